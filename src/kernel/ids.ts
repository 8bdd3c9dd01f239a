import { randomFillSync } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids from one
 * process strictly increasing within a millisecond, then 62 random bits. Ids sort by creation time,
 * which keeps B-tree inserts at the right edge of the index.
 */
let lastMs = 0;
let counter = 0;
const random = new Uint8Array(8);

export function uuidv7(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else {
    counter++;
    if (counter > 0xfff) {
      // 4,096 ids in one millisecond: borrow the next millisecond rather than repeat an id.
      lastMs++;
      counter = 0;
    }
  }
  randomFillSync(random);
  const ms = lastMs.toString(16).padStart(12, '0');
  const a = (0x7000 | counter).toString(16);
  const variant = ((random[0]! & 0x3f) | 0x80).toString(16).padStart(2, '0');
  const rest = Array.from(random.subarray(1), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-${a}-${variant}${rest.slice(0, 2)}-${rest.slice(2, 14)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}
