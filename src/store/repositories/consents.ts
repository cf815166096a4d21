// What users approved for clients, so the consent page is not shown again.

/** What a user approved for a client (remember_approval). */
export interface ConsentRow {
  userId: number;
  clientId: string;
  scopes: string[];
  /** seconds */
  grantedAt: number;
}

export interface ConsentRepository {
  get(userId: number, clientId: string): Promise<ConsentRow | null>;
  upsert(row: ConsentRow): Promise<void>;
  delete(userId: number, clientId: string): Promise<void>;
  deleteByUser(userId: number): Promise<number>;
  listByUser(userId: number): Promise<ConsentRow[]>;
}
