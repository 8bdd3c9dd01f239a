import { err, ok, type PlainDate, parseDate, type Result } from '../kernel/index.ts';

/**
 * The 18-character resident identity card number of the People's Republic of China (GB 11643):
 * 6 digits of region, 8 of birth date, 3 of sequence (odd for men), and an ISO 7064 MOD 11-2 check
 * character (0-9 or X).
 */
export interface IdCard {
  readonly number: string;
  readonly regionCode: string;
  readonly birthDate: PlainDate;
  readonly sex: 'male' | 'female';
}

export type IdCardError =
  | 'id_number_malformed'
  | 'id_number_checksum_invalid'
  | 'id_number_region_invalid'
  | 'id_number_birth_date_invalid';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

// Province-level codes (the first two digits) in use: the 31 provinces, regions and municipalities,
// Taiwan (71), Hong Kong (81) and Macao (82).
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

export function parseIdCard(text: string, today: PlainDate): Result<IdCard, IdCardError> {
  const number = text.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(number)) return err('id_number_malformed');
  if (checkCharacter(number.slice(0, 17)) !== number[17]) return err('id_number_checksum_invalid');
  const regionCode = number.slice(0, 6);
  // A plausible region: a known province, and a prefecture and county part that are not all zero.
  if (!PROVINCES.has(number.slice(0, 2)) || number.slice(2, 6) === '0000')
    return err('id_number_region_invalid');
  const birth = parseDate(`${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`);
  if (!birth.ok || birth.value > today || birth.value < '1900-01-01')
    return err('id_number_birth_date_invalid');
  return ok({
    number,
    regionCode,
    birthDate: birth.value,
    sex: Number(number[16]) % 2 === 1 ? 'male' : 'female',
  });
}

/** Whole years of age on `today`. */
export function ageOn(birthDate: PlainDate, today: PlainDate): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

/** Builds a valid number from its first 17 digits: for test identities and demo data. */
export function withCheckCharacter(first17: string): string {
  return first17 + checkCharacter(first17);
}
