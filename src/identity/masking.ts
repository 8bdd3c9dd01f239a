/** How personal data is shown to anyone whose role does not allow the full value. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '*'.repeat(phone.length);
}

export function maskIdNumber(idNumber: string): string {
  return idNumber.length > 7
    ? `${idNumber.slice(0, 3)}${'*'.repeat(idNumber.length - 7)}${idNumber.slice(-4)}`
    : '*'.repeat(idNumber.length);
}

export function maskCardNumber(cardNumber: string): string {
  return cardNumber.length > 8
    ? `${cardNumber.slice(0, 4)} **** **** ${cardNumber.slice(-4)}`
    : '*'.repeat(cardNumber.length);
}

/** 张三 → 张*, 欧阳娜娜 → 欧***; Latin names keep the first letter of each part. */
export function maskName(name: string): string {
  if (/^[\u4e00-\u9fff·]+$/.test(name)) return name.slice(0, 1) + '*'.repeat(Math.max(1, name.length - 1));
  return name
    .split(/\s+/)
    .map((part) => (part ? `${part[0]}${'*'.repeat(Math.max(1, part.length - 1))}` : part))
    .join(' ');
}
