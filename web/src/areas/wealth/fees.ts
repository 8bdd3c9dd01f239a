/**
 * The subscription fee a fund would charge, computed exactly as the server does (docs/wealth-funds.md):
 * the tier is the first whose upTo is above the amount; fee = amount × r ÷ (1 + r), rounded half up to
 * the cent; all in integers, never a float.
 */

/**
 * What the fee needs of a fund: its tiers as the API gives them (a structural type, so that this
 * file imports nothing and the server's tests can check it against the server's arithmetic).
 */
export interface FeeTiers {
  readonly subscriptionFeeTiers: readonly {
    readonly upTo: { readonly amount: string } | null;
    readonly rate: string;
  }[];
}

export function toCents(text: string): bigint {
  const [w = '0', f = ''] = text.split('.');
  return BigInt(w) * 100n + BigInt(f.padEnd(2, '0').slice(0, 2) || '0');
}

export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const v = cents < 0n ? -cents : cents;
  return `${sign}${v / 100n}.${String(v % 100n).padStart(2, '0')}`;
}

/** A decimal rate as numerator over 10^k. */
function ratio(rate: string): { n: bigint; d: bigint } {
  const [w = '0', f = ''] = rate.split('.');
  return { n: BigInt(w + f), d: 10n ** BigInt(f.length) };
}

export function subscriptionFee(fund: FeeTiers, amountCents: bigint): { rate: string; fee: bigint } {
  const tier =
    fund.subscriptionFeeTiers.find((t) => t.upTo === null || toCents(t.upTo.amount) > amountCents) ??
    fund.subscriptionFeeTiers[fund.subscriptionFeeTiers.length - 1];
  if (!tier) return { rate: '0', fee: 0n };
  const { n, d } = ratio(tier.rate);
  // amount × (n/d) ÷ (1 + n/d) = amount × n ÷ (d + n), half up.
  const fee = (2n * amountCents * n + (d + n)) / (2n * (d + n));
  return { rate: tier.rate, fee };
}

/** Units (hundredths) for an invested amount at a NAV, rounded down to 0.01 units. */
export function unitsAt(investedCents: bigint, nav: string): bigint {
  const { n, d } = ratio(nav);
  if (n === 0n) return 0n;
  return (investedCents * d) / n;
}
