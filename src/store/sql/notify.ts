// How a SQL repository announces a change other instances must see (change-feed.ts).
import type { ChangeTopic } from '../change-feed.js';

export type Notify = (topic: ChangeTopic) => Promise<void>;
