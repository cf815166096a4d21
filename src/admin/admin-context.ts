// What administrative operations (CLI, apply, admin API) need: the store, the clock, and the
// client-secret hasher.
import type { Clock } from '../clock.js';
import type { ClientSecrets } from '../crypto/client-secret.js';
import type { Store } from '../store/store.js';

export interface AdminContext {
  store: Store;
  clock: Clock;
  secrets: ClientSecrets;
}
