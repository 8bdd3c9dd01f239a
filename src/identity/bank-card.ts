import { err, ok, type Result } from '../kernel/index.ts';

/** The Luhn (mod 10) check that every payment card number carries in its last digit. */
export function luhnValid(number: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = number.length - 1; i >= 0; i--) {
    let digit = number.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

export interface Bank {
  readonly code: string;
  readonly name: string;
  readonly nameZh: string;
}

const BANKS: Record<string, Bank> = {
  ICBC: { code: 'ICBC', name: 'Industrial and Commercial Bank of China', nameZh: '中国工商银行' },
  ABC: { code: 'ABC', name: 'Agricultural Bank of China', nameZh: '中国农业银行' },
  BOC: { code: 'BOC', name: 'Bank of China', nameZh: '中国银行' },
  CCB: { code: 'CCB', name: 'China Construction Bank', nameZh: '中国建设银行' },
  BOCOM: { code: 'BOCOM', name: 'Bank of Communications', nameZh: '交通银行' },
  PSBC: { code: 'PSBC', name: 'Postal Savings Bank of China', nameZh: '中国邮政储蓄银行' },
  CMB: { code: 'CMB', name: 'China Merchants Bank', nameZh: '招商银行' },
  CIB: { code: 'CIB', name: 'Industrial Bank', nameZh: '兴业银行' },
  CITIC: { code: 'CITIC', name: 'China CITIC Bank', nameZh: '中信银行' },
  SPDB: { code: 'SPDB', name: 'Shanghai Pudong Development Bank', nameZh: '上海浦东发展银行' },
  CEB: { code: 'CEB', name: 'China Everbright Bank', nameZh: '中国光大银行' },
  CMBC: { code: 'CMBC', name: 'China Minsheng Bank', nameZh: '中国民生银行' },
  PAB: { code: 'PAB', name: 'Ping An Bank', nameZh: '平安银行' },
  HXB: { code: 'HXB', name: 'Hua Xia Bank', nameZh: '华夏银行' },
  GDB: { code: 'GDB', name: 'China Guangfa Bank', nameZh: '广发银行' },
};

// Issuer identification numbers (the first six digits) of debit cards of the major Chinese banks.
const BINS: Record<string, string> = {
  '622202': 'ICBC',
  '622208': 'ICBC',
  '621226': 'ICBC',
  '621225': 'ICBC',
  '620200': 'ICBC',
  '622848': 'ABC',
  '622845': 'ABC',
  '622846': 'ABC',
  '621282': 'ABC',
  '621661': 'BOC',
  '621663': 'BOC',
  '601382': 'BOC',
  '621785': 'BOC',
  '621700': 'CCB',
  '622700': 'CCB',
  '436742': 'CCB',
  '622280': 'CCB',
  '622260': 'BOCOM',
  '622262': 'BOCOM',
  '601428': 'BOCOM',
  '621799': 'PSBC',
  '622188': 'PSBC',
  '621098': 'PSBC',
  '622588': 'CMB',
  '622575': 'CMB',
  '621483': 'CMB',
  '621485': 'CMB',
  '621486': 'CMB',
  '622909': 'CIB',
  '622908': 'CIB',
  '622690': 'CITIC',
  '622696': 'CITIC',
  '621768': 'CITIC',
  '622521': 'SPDB',
  '622522': 'SPDB',
  '621792': 'SPDB',
  '622660': 'CEB',
  '622662': 'CEB',
  '622622': 'CMBC',
  '622615': 'CMBC',
  '621691': 'CMBC',
  '622155': 'PAB',
  '622156': 'PAB',
  '621626': 'PAB',
  '622630': 'HXB',
  '622631': 'HXB',
  '622568': 'GDB',
  '621462': 'GDB',
};

export type CardError = 'card_number_malformed' | 'card_number_checksum_invalid' | 'card_issuer_unsupported';

export function identifyCard(text: string): Result<{ number: string; bank: Bank }, CardError> {
  const number = text.replace(/ /g, '');
  if (!/^\d{16,19}$/.test(number)) return err('card_number_malformed');
  if (!luhnValid(number)) return err('card_number_checksum_invalid');
  const code = BINS[number.slice(0, 6)];
  if (!code) return err('card_issuer_unsupported');
  return ok({ number, bank: BANKS[code]! });
}

export function supportedBanks(): Bank[] {
  return Object.values(BANKS);
}

/** Completes a card number with its Luhn check digit: for test cards and demo data. */
export function withLuhnDigit(partial: string): string {
  for (let digit = 0; digit <= 9; digit++) if (luhnValid(partial + digit)) return partial + digit;
  throw new Error('unreachable');
}
