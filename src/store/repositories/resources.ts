// Resource servers registered for resource indicators (RFC 8707, issue 14).
import type { Resource } from '../../domain/resource.js';

export interface ResourceRepository {
  list(): Promise<Resource[]>;
  get(uri: string): Promise<Resource | null>;
  /** creates or replaces the resource */
  upsert(resource: Resource): Promise<void>;
}
