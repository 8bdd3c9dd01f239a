import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { runNetfin, sharedCliDatabase } from '../support/cli.ts';

/**
 * An operator runs `netfin audit verify`: it reports both chains, the audit log's and the ledger's.
 * Then a transfer's amount is changed behind the ledger: the command exits 1 and names the ledger
 * record and the transfer, while saying the audit chain still holds. The database is a data
 * directory (PGlite) or a schema of its own (PostgreSQL), shared by this process and the command's.
 */
const { env, remove } = sharedCliDatabase('ledger-chain-cli');
afterAll(remove);

describe('netfin audit verify with the ledger chain', () => {
  it('reports both chains, and exits 1 naming the transfer changed behind the ledger', async () => {
    const platform = await openPlatform(loadConfig(env), { log: () => {} });
    try {
      await platform.ledger.createAccounts([
        { id: 'cli:bank', ledger: 'CNY', code: 1001 },
        { id: 'cli:wallet', ledger: 'CNY', code: 2001 },
      ]);
      await platform.ledger.createTransfers(
        [1, 2, 3].map((i) => ({
          id: `cli:t${i}`,
          debitAccountId: 'cli:bank',
          creditAccountId: 'cli:wallet',
          amount: BigInt(i),
          ledger: 'CNY',
          code: 1,
        })),
      );
    } finally {
      await platform.close();
    }
    const intact = await runNetfin(['audit', 'verify'], env);
    expect(intact.code, intact.err).toBe(0);
    expect(intact.out).toContain('the audit chain is intact');
    expect(intact.out).toMatch(/the ledger chain is intact: 1 records \(3 transfers\)/);

    const again = await openPlatform(loadConfig(env), { log: () => {} });
    let position: bigint;
    try {
      await sql`update ledger_transfers set amount = 300 where id = 'cli:t2'`.execute(again.db);
      position = (await sql<{ position: bigint }>`select position from ledger_chain`.execute(again.db))
        .rows[0]!.position;
    } finally {
      await again.close();
    }
    const broken = await runNetfin(['audit', 'verify'], env);
    expect(broken.code, broken.err).toBe(1);
    expect(broken.out).toContain('the audit chain is intact');
    expect(broken.out).toContain(`the ledger chain is broken at position ${position}`);
    expect(broken.out).toContain('(transfer cli:t2)');
    expect(broken.out).toContain('transfer_altered');
  }, 240_000); // two runs of the command, each opening the database
});
