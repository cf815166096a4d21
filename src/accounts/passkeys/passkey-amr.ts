// The RFC 8176 `amr` value a passkey stands for. A synced passkey ("multiDevice": backup eligible,
// its private key copied to a cloud keychain) is a software-secured key, `swk`; a device-bound one
// ("singleDevice") never leaves its authenticator's hardware, `hwk`. The device type is fixed for
// the credential's life, unlike the backed-up state, so the amr of a passkey never changes.
import type { PasskeyDeviceType } from '../../store/store.js';

export type PasskeyAmr = 'hwk' | 'swk';

export function amrOf(deviceType: PasskeyDeviceType): PasskeyAmr {
  return deviceType === 'multiDevice' ? 'swk' : 'hwk';
}
