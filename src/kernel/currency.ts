/**
 * ISO 4217 currencies netfin knows. The exponent fixes the scale of the minor unit once and for all:
 * an amount of 1234 CNY minor units is 12.34 yuan. Add a currency here, never scale amounts elsewhere.
 */
export interface Currency {
  readonly code: string;
  readonly exponent: number;
}

const table: Record<string, number> = {
  CNY: 2,
  USD: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  SGD: 2,
  AUD: 2,
  CAD: 2,
  CHF: 2,
  TWD: 2,
  MOP: 2,
  JPY: 0,
  KRW: 0,
  VND: 0,
  BHD: 3,
  KWD: 3,
  JOD: 3,
  OMR: 3,
};

const currencies = new Map<string, Currency>(
  Object.entries(table).map(([code, exponent]) => [code, Object.freeze({ code, exponent })]),
);

/** The currency with this exact (upper-case) ISO code, or undefined. */
export function findCurrency(code: string): Currency | undefined {
  return currencies.get(code);
}

export function currencyCodes(): string[] {
  return [...currencies.keys()];
}

export const CNY = currencies.get('CNY')!;
export const USD = currencies.get('USD')!;
export const JPY = currencies.get('JPY')!;
