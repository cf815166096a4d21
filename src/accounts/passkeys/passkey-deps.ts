// What the passkey ceremonies run on; the composition root hands it over.
import type { Clock } from '../../clock.js';
import type { StoreFor } from '../../store/store.js';
import type { RelyingParty } from './relying-party.js';

export interface PasskeyDeps {
  store: StoreFor<'users' | 'webauthnCredentials' | 'webauthnChallenges'>;
  clock: Clock;
  rp: RelyingParty;
}
