import { Command } from 'commander';
import { openPlatform } from '../app/platform.ts';
import { BUSINESS_TIME_ZONE, DomainError, dateInZone, parseDate } from '../kernel/index.ts';
import { previewSchedule } from '../lending/index.ts';
import { configFrom, type GlobalOptions } from './options.ts';

/** `netfin loan schedule`: a repayment schedule, computed without touching the database. */
export function loanCommand(): Command {
  const loan = new Command('loan').description('Loan calculations');
  loan
    .command('schedule')
    .description('A repayment schedule, exact to the cent, with the APR')
    .requiredOption('--principal <yuan>', 'the amount, e.g. 10000.00')
    .requiredOption('--annual-rate <rate>', 'the nominal annual rate, e.g. 0.12')
    .requiredOption('--term <n>', 'months (or days with --term-unit day)')
    .requiredOption('--method <method>', 'equal_installment, equal_principal, interest_first or bullet')
    .option('--term-unit <unit>', 'month or day', 'month')
    .option('--day-count <convention>', '30/360, actual/365 or actual/360', '30/360')
    .option('--start <date>', 'the start date (default: today)')
    .option('--upfront-fee <yuan>', 'a fee deducted at disbursement, for the APR')
    .option('--json', 'print one JSON object')
    .action(
      (o: {
        principal: string;
        annualRate: string;
        term: string;
        method: string;
        termUnit: string;
        dayCount: string;
        start?: string;
        upfrontFee?: string;
        json?: boolean;
      }) => {
        if (!/^\d+$/.test(o.term))
          throw new DomainError('term_invalid', 'invalid', '--term must be a whole number');
        const preview = previewSchedule(
          {
            principal: o.principal,
            annualRate: o.annualRate,
            term: Number(o.term),
            termUnit: o.termUnit,
            method: o.method,
            dayCount: o.dayCount,
            start: o.start,
            upfrontFee: o.upfrontFee,
          },
          dateInZone(new Date(), BUSINESS_TIME_ZONE),
        );
        if (o.json) {
          console.log(JSON.stringify(preview));
          return;
        }
        const rows = preview.installments.map((i) => [
          String(i.period),
          i.dueDate,
          i.principal,
          i.interest,
          i.total,
          i.remainingPrincipal,
        ]);
        const header = ['period', 'due date', 'principal', 'interest', 'total', 'remaining'];
        const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
        const line = (cells: string[]) =>
          cells.map((c, k) => (k < 2 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ');
        console.log(line(header));
        for (const row of rows) console.log(line(row));
        console.log(
          `total interest ${preview.totalInterest}, total payable ${preview.totalPayable}, APR ${preview.apr}`,
        );
      },
    );
  return loan;
}

/** `netfin lending run-day --date D`: the lending day, until day-close does it. */
export function lendingCommand(global: () => GlobalOptions): Command {
  const lending = new Command('lending').description('Lending operations');
  lending
    .command('run-day')
    .description(
      'Run the lending day (dues, auto-debit, penalties, reserve advances, expiries) up to a date; idempotent',
    )
    .requiredOption('--date <YYYY-MM-DD>', 'the business date to run up to')
    .option('--json', 'print JSON')
    .action(async (options: { date: string; json?: boolean }) => {
      const date = parseDate(options.date);
      if (!date.ok)
        throw new DomainError('date_malformed', 'invalid', '--date must be a date such as 2026-11-23');
      const platform = await openPlatform(configFrom(global()));
      try {
        const days = await platform.lending.runDays(date.value);
        if (options.json) console.log(JSON.stringify({ days }));
        else if (days.length === 0) console.log(`the lending day has already run up to ${options.date}`);
        else
          for (const d of days)
            console.log(
              `${d.date}: ${d.loansProcessed} loans, ${d.installmentsCharged} instalments due, ${d.autoDebits} auto-debits, ${d.advances} advances, ${d.writeOffs} write-offs, ${d.listingsExpired} listings failed, ${d.repaid} repaid`,
            );
      } finally {
        await platform.close();
      }
    });
  return lending;
}
