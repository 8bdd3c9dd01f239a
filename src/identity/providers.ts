/**
 * Outside services identity relies on, behind interfaces so that a real provider can replace the
 * simulated one: the name/ID-number check (实名认证) and the four-element bank card check (四要素).
 * The simulated providers are deterministic, with test subjects documented in docs/identity.md.
 */
export type VerificationOutcome = 'match' | 'mismatch' | 'unavailable';

export interface IdentityProvider {
  verifyIdentity(realName: string, idNumber: string): Promise<VerificationOutcome>;
}

export interface CardVerifier {
  verifyCard(input: {
    realName: string;
    idNumber: string;
    cardNumber: string;
    reservedPhone: string;
  }): Promise<VerificationOutcome>;
}

/** Sequence digits 999 mean "this name does not belong to this number"; 998, "the provider is down". */
export const simulatedIdentityProvider: IdentityProvider = {
  async verifyIdentity(_realName, idNumber) {
    const sequence = idNumber.slice(14, 17);
    if (sequence === '999') return 'mismatch';
    if (sequence === '998') return 'unavailable';
    return 'match';
  },
};

/** A reserved phone ending 0000 does not match the bank's records; ending 0001, the bank is down. */
export const simulatedCardVerifier: CardVerifier = {
  async verifyCard({ reservedPhone }) {
    if (reservedPhone.endsWith('0000')) return 'mismatch';
    if (reservedPhone.endsWith('0001')) return 'unavailable';
    return 'match';
  },
};
