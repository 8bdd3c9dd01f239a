/**
 * CSV for spreadsheets: RFC 4180 quoting, and a cell that a spreadsheet would run as a formula
 * (=, +, -, @, a tab or carriage return first) written as text with a leading apostrophe; a plain
 * negative number (an amount going out) stays a number.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Lines of cells as one CSV text (CRLF line ends), with the UTF-8 byte order mark Excel needs to read Chinese. */
export function csvDocument(lines: readonly (readonly unknown[])[]): string {
  return `\uFEFF${lines.map((line) => line.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
