import { randomFillSync } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids from one
 * process strictly increasing within a millisecond, then 62 random bits. Ids sort by creation time,
 * which keeps B-tree inserts at the right edge of the index.
 */
let lastMs = 0;
let counter = 0;
// Random bytes are drawn 4 KiB at a time: one system call per 512 ids rather than one per id.
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

function randomBytes8(): Uint8Array {
  if (poolOffset + 8 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 8);
  poolOffset += 8;
  return bytes;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

// The millisecond's part of the id ("xxxxxxxx-xxxx-"), written once per millisecond: a batch mints
// thousands of ids (a repayment's transfers) within a few milliseconds.
let prefixMs = -1;
let prefix = '';

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
  if (prefixMs !== lastMs) {
    const ms = lastMs.toString(16).padStart(12, '0');
    prefix = `${ms.slice(0, 8)}-${ms.slice(8, 12)}-`;
    prefixMs = lastMs;
  }
  const r = randomBytes8();
  return `${prefix}${(0x7000 | counter).toString(16)}-${HEX[(r[0]! & 0x3f) | 0x80]!}${HEX[r[1]!]!}-${HEX[r[2]!]!}${HEX[r[3]!]!}${HEX[r[4]!]!}${HEX[r[5]!]!}${HEX[r[6]!]!}${HEX[r[7]!]!}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}
