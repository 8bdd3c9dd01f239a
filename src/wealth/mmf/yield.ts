/**
 * The money-market fund's figures, exactly, in bigint: income per 10,000 units (万份收益) is kept in
 * ten-thousandths (0.6543 → 6543n), units and income in cents (NAV 1.0000: 1 unit = 1.00 CNY).
 *
 * - A holder's income for a day: units × per10k ÷ 10,000, rounded down to the cent:
 *   floor(unitsCents × k ÷ 10^8).
 * - 7-day annualised yield (七日年化收益率), percent to four decimals, rounded half up:
 *   compounded ((Π(1 + r_i ÷ 10,000))^(365/7) − 1) × 100, simple (Σ r_i ÷ 10,000) × 365 ÷ 7 × 100.
 *   The compounded one is computed without any approximation: with P = Π(10^8 + k_i) (scale 10^56),
 *   x = P^(365/7) is irrational in general, so we take q = floor(x × 10^7) as the integer 7th root of
 *   floor(P^365 × 10^49 ÷ 10^(56·365)) (floor of a root of a floor is the floor of the root), and the
 *   half-up rounding to 10^-6 (four decimals of a percent) is floor((q + 5) ÷ 10), exact as well.
 */
export const PER10K_SCALE = 10_000n;
const INCOME_DIVISOR = 100_000_000n;

/** "0.6543" → 6543n; null unless 1-2 integer digits and exactly four decimals (0 ≤ r < 100). */
export function parsePer10k(text: string): bigint | null {
  const match = /^(\d{1,2})\.(\d{4})$/.exec(text);
  if (!match) return null;
  return BigInt(match[1]!) * PER10K_SCALE + BigInt(match[2]!);
}

export function formatPer10k(k: bigint): string {
  return `${k / PER10K_SCALE}.${String(k % PER10K_SCALE).padStart(4, '0')}`;
}

/** A holding's income for a day, in cents, rounded down. */
export function holderIncome(unitsCents: bigint, k: bigint): bigint {
  if (unitsCents <= 0n) return 0n;
  return (unitsCents * k) / INCOME_DIVISOR;
}

/** floor(n^(1/root)) for n ≥ 0, by Newton's method on integers. */
export function integerRoot(n: bigint, root: bigint): bigint {
  if (n < 0n) throw new Error('integerRoot of a negative number');
  if (n < 2n) return n;
  // A start above the root: 2^(ceil(bits / root)).
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / Number(root)));
  for (;;) {
    const y = ((root - 1n) * x + n / x ** (root - 1n)) / root;
    if (y >= x) break;
    x = y;
  }
  while (x ** root > n) x -= 1n;
  while ((x + 1n) ** root <= n) x += 1n;
  return x;
}

/** A value in millionths (10^-6) as a percent with four decimals: 24169n → "2.4169". */
function percentText(millionths: bigint): string {
  const sign = millionths < 0n ? '-' : '';
  const abs = millionths < 0n ? -millionths : millionths;
  return `${sign}${abs / 10_000n}.${String(abs % 10_000n).padStart(4, '0')}`;
}

/** The compounded 7-day annualised yield of seven days' per-10k figures, percent to 4 decimals. */
export function compoundedSevenDay(ks: readonly bigint[]): string {
  if (ks.length !== 7) throw new Error('a 7-day yield takes seven days');
  const base = 100_000_000n; // 10^8: 1 + k/10^8
  const product = ks.reduce((p, k) => p * (base + k), 1n); // scale 10^56
  const scaleExponent = 56n * 365n;
  const inner = (product ** 365n * 10n ** 49n) / 10n ** scaleExponent;
  const q = integerRoot(inner, 7n); // floor(P^(365/7) × 10^7)
  const rounded = (q + 5n) / 10n; // half up to 10^-6
  return percentText(rounded - 1_000_000n);
}

/** The simple 7-day annualised yield: Σ k_i ÷ 10^8 × 365 ÷ 7, percent to 4 decimals, half up. */
export function simpleSevenDay(ks: readonly bigint[]): string {
  if (ks.length !== 7) throw new Error('a 7-day yield takes seven days');
  const sum = ks.reduce((a, k) => a + k, 0n);
  // In millionths: Σk / 10^8 × 365 / 7 × 10^6 = Σk × 365 / 700; half up: floor((2·Σk·365 + 700) / 1400).
  const rounded = (2n * sum * 365n + 700n) / 1400n;
  return percentText(rounded);
}
