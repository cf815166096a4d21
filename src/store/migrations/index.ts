// Every migration, in order, provided statically so they work from dist/ and through tsx alike.
import type { Migration, MigrationProvider } from 'kysely';
import type { Engine } from '../engine.js';
import { initial } from './001_initial.js';
import { authorization } from './002_authorization.js';
import { oneSigningKeyPerState } from './003_one_signing_key_per_state.js';
import { clientActAs } from './004_client_act_as.js';
import { tokenLifecycle } from './005_token_lifecycle.js';
import { changeVersions } from './007_change_versions.js';
import { clientTokenEndpointAuthMethod } from './009_client_token_endpoint_auth_method.js';
import { gateRoutes } from './010_gate_routes.js';
import { apiKeys } from './011_api_keys.js';
import { accountsMail } from './015_accounts_mail.js';
import { clientRegistration } from './013_client_registration.js';
import { deviceCodes } from './013_device_codes.js';
import { userFields } from './014_user_fields.js';
import { shownOnce } from './017_shown_once.js';
import { webauthnCredentials } from './019_webauthn_credentials.js';
import { secondFactors } from './016_second_factors.js';

export function migrationProvider(engine: Engine): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '001_initial': initial(engine),
    '002_authorization': authorization,
    '003_one_signing_key_per_state': oneSigningKeyPerState,
    '004_client_act_as': clientActAs,
    '005_token_lifecycle': tokenLifecycle,
    '007_change_versions': changeVersions,
    '009_client_token_endpoint_auth_method': clientTokenEndpointAuthMethod,
    '010_gate_routes': gateRoutes,
    '011_api_keys': apiKeys,
    '015_accounts_mail': accountsMail(engine),
    '013_device_codes': deviceCodes,
    '013_client_registration': clientRegistration,
    '014_user_fields': userFields,
    '017_shown_once': shownOnce,
    '019_webauthn_credentials': webauthnCredentials,
    '016_second_factors': secondFactors,
  };
  return { getMigrations: async () => migrations };
}
