import { Command } from 'commander';
import { sql } from 'kysely';
import { openPlatform } from '../app/platform.ts';
import { findCurrency, formatAmount } from '../kernel/index.ts';
import { chartEntry } from '../ledger/index.ts';
import { configFrom, type GlobalOptions } from './options.ts';

function money(minor: bigint, ledger: string): string {
  const currency = findCurrency(ledger);
  return currency ? formatAmount(minor, currency) : minor.toString();
}

export function ledgerCommand(global: () => GlobalOptions): Command {
  const ledger = new Command('ledger').description('Inspect and maintain the double-entry ledger');

  ledger
    .command('balances')
    .description('Balances per ledger and account type; with --account, one account')
    .option('--account <id>', 'show this account only')
    .option('--json', 'print JSON')
    .action(async (options: { account?: string; json?: boolean }) => {
      const platform = await openPlatform(configFrom(global()));
      try {
        if (options.account) {
          const account = await platform.ledger.getAccount(options.account);
          if (!account) {
            console.error(`no account ${options.account}`);
            process.exitCode = 1;
            return;
          }
          const row = {
            id: account.id,
            ledger: account.ledger,
            code: account.code,
            debitsPending: money(account.debitsPending, account.ledger),
            debitsPosted: money(account.debitsPosted, account.ledger),
            creditsPending: money(account.creditsPending, account.ledger),
            creditsPosted: money(account.creditsPosted, account.ledger),
          };
          console.log(
            options.json
              ? JSON.stringify(row)
              : Object.entries(row)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join('\n'),
          );
          return;
        }
        const rows = await sql<{
          ledger: string;
          code: number;
          accounts: bigint;
          dp: string;
          dpo: string;
          cp: string;
          cpo: string;
        }>`
          select ledger, code, count(*)::int8 as accounts, sum(debits_pending)::text as dp, sum(debits_posted)::text as dpo,
                 sum(credits_pending)::text as cp, sum(credits_posted)::text as cpo
          from ledger_accounts group by ledger, code order by ledger, code`.execute(platform.db);
        const table = rows.rows.map((row) => ({
          ledger: row.ledger,
          code: row.code,
          type: chartEntry(row.code)?.name ?? '',
          accounts: row.accounts.toString(),
          debitsPending: money(BigInt(row.dp), row.ledger),
          debitsPosted: money(BigInt(row.dpo), row.ledger),
          creditsPending: money(BigInt(row.cp), row.ledger),
          creditsPosted: money(BigInt(row.cpo), row.ledger),
        }));
        if (options.json) console.log(JSON.stringify(table));
        else if (table.length === 0) console.log('the ledger has no accounts yet');
        else console.table(table);
      } finally {
        await platform.close();
      }
    });

  ledger
    .command('expire')
    .description('Release every pending transfer whose timeout has passed')
    .action(async () => {
      const platform = await openPlatform(configFrom(global()));
      try {
        const released = await platform.ledger.expirePending();
        console.log(`released ${released} expired pending transfer${released === 1 ? '' : 's'}`);
      } finally {
        await platform.close();
      }
    });

  ledger
    .command('verify')
    .description(
      'Recompute every balance from the transfers and check that the books balance; exits 1 on any difference',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const platform = await openPlatform(configFrom(global()));
      try {
        const report = await platform.ledger.verify();
        if (options.json) {
          console.log(
            JSON.stringify(report, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)),
          );
        } else {
          console.log(`checked ${report.accounts} accounts and ${report.transfers} transfers`);
          for (const l of report.ledgers) {
            console.log(
              `  ${l.ledger}: posted debits ${money(l.debitsPosted, l.ledger)} = credits ${money(l.creditsPosted, l.ledger)}; ` +
                `pending debits ${money(l.debitsPending, l.ledger)} = credits ${money(l.creditsPending, l.ledger)}`,
            );
          }
          if (report.problems.length === 0) console.log('ledger verified: no differences');
          for (const p of report.problems) console.log(`DIFFERENCE ${p.kind} ${p.subject}: ${p.detail}`);
        }
        if (report.problems.length > 0) process.exitCode = 1;
      } finally {
        await platform.close();
      }
    });

  return ledger;
}
