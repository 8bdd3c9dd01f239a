/**
 * The checks the API applies to a resident identity card number (src/identity/id-card.ts): 18
 * characters, 17 digits and an ISO 7064 MOD 11-2 check character. Region and birth date are left to
 * the server, which answers with its own codes.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export type IdProblem = 'idLength' | 'idFormat' | 'idChecksum';

export function idNumberProblem(text: string): IdProblem | undefined {
  const number = text.trim().toUpperCase();
  if (number.length !== 18) return 'idLength';
  if (!/^\d{17}[\dX]$/.test(number)) return 'idFormat';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(number[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11] === number[17] ? undefined : 'idChecksum';
}

/** The same name rule as the API: Chinese characters (with ·), or a Latin name. */
export const REAL_NAME =
  /^(?:[\u4e00-\u9fff]{1,20}(?:·[\u4e00-\u9fff]{1,20})*|[A-Za-z][A-Za-z .'-]{1,58}[A-Za-z])$/;

/** The Luhn check every card number carries. */
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
