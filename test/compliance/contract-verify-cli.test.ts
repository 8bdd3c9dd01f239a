import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { openPlatform } from '../../src/app/platform.ts';
import { inTransaction } from '../../src/db/index.ts';
import { runNetfin, sharedCliDatabase } from '../support/cli.ts';
import { loanTerms } from './contract-fixture.ts';

/**
 * An operator checks a contract PDF a customer sent in with `netfin contracts verify FILE`: the
 * stored document matches (exit 0, with its number); the same file with one byte changed does not
 * (exit 1).
 */
const { env, dir: dataDir, remove } = sharedCliDatabase('contract-cli');
afterAll(remove);

describe('netfin contracts verify', () => {
  it('exits 0 with the number for a stored PDF and 1 for a changed one', async () => {
    const platform = await openPlatform(loadConfig(env), { log: () => {} });
    let number: string;
    let pdf: Uint8Array;
    try {
      const contracts = platform.compliance.contracts;
      const { contractId } = await inTransaction(platform.db, (trx) =>
        contracts.issue(trx, {
          kind: 'loan',
          subjectType: 'loan',
          subjectId: crypto.randomUUID(),
          signedAt: platform.clock.now(),
          businessDate: platform.clock.businessDate(),
          terms: loanTerms('3000.00'),
          parties: [{ userId: null, role: 'platform' }],
        }),
      );
      pdf = (await contracts.documents.bytes(contractId, 'zh'))!;
      number = (await contracts.findDocument(createHashOf(pdf)))!.number;
    } finally {
      await platform.close();
    }
    const good = path.join(dataDir, 'contract.pdf');
    writeFileSync(good, pdf);
    const run = await runNetfin(['contracts', 'verify', good], env);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(`match: contract ${number}`);

    const changed = Buffer.from(pdf);
    changed[changed.length - 10]! ^= 0x20;
    const bad = path.join(dataDir, 'changed.pdf');
    writeFileSync(bad, changed);
    const refused = await runNetfin(['contracts', 'verify', bad], env);
    expect(refused.code, refused.err).toBe(1);
    expect(refused.out).toContain('no match');
  }, 180_000); // three platform starts, two of them in child processes
});

function createHashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
