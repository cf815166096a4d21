// RFC 8628 §6.1 user codes: 8 characters from an alphabet of consonants without look-alikes (no
// vowels, so no words; no 0/O, 1/I/L, 5/S ambiguity to type wrong), shown as XXXX-XXXX and read
// back whatever the case, dashes and spaces: 20^8 ≈ 2^34.6 codes, guessing is rate-limited.
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** The code as typed → its canonical form (8 letters of the alphabet, upper case), or null. */
export function normalizeUserCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 64) return null;
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== USER_CODE_LENGTH) return null;
  for (const c of code) if (!USER_CODE_ALPHABET.includes(c)) return null;
  return code;
}

/** The canonical code as shown to people: XXXX-XXXX. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A canonical code from random bytes (one byte per character; rejection sampling keeps it uniform). */
export function userCodeFrom(randomByte: () => number): string {
  const limit = 256 - (256 % USER_CODE_ALPHABET.length);
  let code = '';
  while (code.length < USER_CODE_LENGTH) {
    const b = randomByte();
    if (b < limit) code += USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length];
  }
  return code;
}
