// The applications a user approved (their consents, with each client's label), as /user/apps
// and the account page list them.
import type { Store } from '../store/store.js';
import type { ApprovedApp } from './pages.js';

export async function approvedApps(store: Pick<Store, 'consents' | 'clients'>, uid: number): Promise<ApprovedApp[]> {
  const apps: ApprovedApp[] = [];
  for (const consent of await store.consents.listByUser(uid)) {
    const client = await store.clients.get(consent.clientId);
    if (client) apps.push({ clientId: client.clientId, label: client.label, scopes: consent.scopes, grantedAt: consent.grantedAt });
  }
  return apps;
}
