// OAuth clients.
import type { Client } from '../../domain/client.js';

export interface ClientRepository {
  get(clientId: string): Promise<Client | null>;
  list(): Promise<Client[]>;
  create(client: Client): Promise<void>;
  /** replaces every field of an existing client */
  update(client: Client): Promise<void>;
  /** removes the client; true when it existed */
  delete(clientId: string): Promise<boolean>;
}
