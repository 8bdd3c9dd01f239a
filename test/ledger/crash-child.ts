/**
 * The process the crash test kills: it opens the database given by the environment, makes sure the
 * accounts exist, says "batch", then applies one large batch. The parent SIGKILLs it at some point.
 */
import { loadConfig } from '../../src/app/config.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { AccountFlag } from '../../src/ledger/index.ts';

const prefix = process.env.CRASH_PREFIX!;
const size = Number(process.env.CRASH_BATCH ?? '8190');
const config = loadConfig(process.env, {
  dataDir: process.env.CRASH_DATA_DIR ?? '',
  logLevel: 'silent',
  dataKey: Buffer.alloc(32, 5),
});
const platform = await openPlatform(
  config,
  process.env.CRASH_SCHEMA ? { schema: process.env.CRASH_SCHEMA } : {},
);
await platform.ledger.createAccounts(
  Array.from({ length: 50 }, (_, i) => ({
    id: `crash:acct${i}`,
    ledger: 'CNY',
    code: 2001,
    flags: i === 0 ? 0 : AccountFlag.debitsMustNotExceedCredits | AccountFlag.history,
  })),
);
const transfers = Array.from({ length: size }, (_, i) => ({
  id: `${prefix}${i}`,
  debitAccountId: 'crash:acct0',
  creditAccountId: `crash:acct${1 + (i % 49)}`,
  amount: BigInt(1 + (i % 97)),
  ledger: 'CNY',
  code: 1,
  ...(i % 10 === 0 ? { flags: 2 } : {}),
}));
process.stdout.write('batch\n');
const results = await platform.ledger.createTransfers(transfers);
process.stdout.write(`done ${results.filter((r) => r.result === 'ok').length}\n`);
await platform.close();
