import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { openPlatform } from '../app/platform.ts';
import { sha256Hex } from '../compliance/contracts/documents.ts';
import { configFrom, type GlobalOptions } from './options.ts';

/**
 * `netfin contracts verify FILE`: is this PDF a contract document netfin stored? Exit status 0 with
 * the contract's number when it is, 1 when no stored document has its SHA-256 (a copy changed by a
 * single byte is not the contract), 2 when the file cannot be read.
 */
export function contractsCommand(globals: () => GlobalOptions): Command {
  const contracts = new Command('contracts').description('Signed contracts');
  contracts
    .command('verify')
    .description('Check a contract PDF against the documents netfin stored (by SHA-256)')
    .argument('<file>', 'the PDF to check')
    .option('--json', 'print one JSON object')
    .action(async (file: string, o: { json?: boolean }) => {
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        console.error(`netfin: cannot read ${file}: ${(error as Error).message}`);
        process.exitCode = 2;
        return;
      }
      const sha256 = sha256Hex(bytes);
      const platform = await openPlatform(configFrom(globals()), { applicationName: 'netfin-contracts' });
      try {
        const found = await platform.compliance.contracts.findDocument(sha256);
        if (o.json) console.log(JSON.stringify({ match: found !== null, sha256, ...(found ?? {}) }));
        else if (found)
          console.log(
            `match: contract ${found.number} (${found.kind}, ${found.language}, signed ${found.signedAt.toISOString()}, id ${found.contractId}); sha256 ${sha256}`,
          );
        else console.log(`no match: no stored contract document has sha256 ${sha256}`);
        if (!found) process.exitCode = 1;
      } finally {
        await platform.close();
      }
    });
  return contracts;
}
