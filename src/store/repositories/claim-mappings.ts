// Custom claim mappings (issue 14), one per scope.
import type { ClaimMapping } from '../../domain/claim-mapping.js';

export interface ClaimMappingRepository {
  list(): Promise<ClaimMapping[]>;
  get(scope: string): Promise<ClaimMapping | null>;
  /** creates or replaces the scope's mapping */
  upsert(mapping: ClaimMapping): Promise<void>;
}
