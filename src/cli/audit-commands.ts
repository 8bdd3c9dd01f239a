import { Command } from 'commander';
import { openPlatform } from '../app/platform.ts';
import type { AuditTrailReport, LedgerTrailReport } from '../compliance/index.ts';
import { configFrom, type GlobalOptions } from './options.ts';

/**
 * `netfin audit verify`: walks the audit log's hash chain and the ledger transfers' (sealing the
 * ledger's pending batches first). Exit status 0 when both hold, 1 when either does not (naming the
 * first record that breaks it), so that a cron job or a CI step can alert on it.
 */
export function auditCommand(globals: () => GlobalOptions): Command {
  const audit = new Command('audit').description('The tamper-evident audit trail');
  audit
    .command('verify')
    .description(
      "Walk the audit log's and the ledger's hash chains and name the first record whose hash does not hold",
    )
    .option('--json', 'print one JSON object')
    .action(async (o: { json?: boolean }) => {
      const platform = await openPlatform(configFrom(globals()), { applicationName: 'netfin-audit' });
      try {
        const report = await platform.compliance.verifyChains();
        if (o.json)
          console.log(
            JSON.stringify(report, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)),
          );
        else {
          console.log(describeAudit(report.audit));
          console.log(describeLedger(report.ledger));
        }
        if (!report.intact) process.exitCode = 1;
      } finally {
        await platform.close();
      }
    });
  return audit;
}

function describeAudit(report: AuditTrailReport): string {
  if (report.intact)
    return (
      `the audit chain is intact: ${report.records} records, head ${report.headHash} at position ${report.headPosition}` +
      (report.unchainedRecords > 0 ? ` (${report.unchainedRecords} earlier records outside the chain)` : '') +
      `; ${report.recordedHeads} heads recorded at day-close match`
    );
  return (
    `the audit chain is broken at position ${report.position}` +
    (report.recordId ? ` (record ${report.recordId})` : '') +
    `: ${report.problem}: ${report.detail}; ${report.records} records before it hold`
  );
}

function describeLedger(report: LedgerTrailReport): string {
  if (report.intact)
    return (
      `the ledger chain is intact: ${report.records} records (${report.transfers} transfers), head ${report.headHash} at position ${report.headPosition}` +
      (report.unchainedTransfers > 0
        ? ` (${report.unchainedTransfers} earlier transfers outside the chain, unchanged)`
        : '') +
      `; ${report.recordedHeads} heads recorded at day-close match`
    );
  const where = report.position === null ? 'in a pending batch' : `at position ${report.position}`;
  return (
    `the ledger chain is broken ${where}` +
    (report.block ? ` (block ${report.block})` : '') +
    (report.transferId ? ` (transfer ${report.transferId})` : '') +
    `: ${report.problem}: ${report.detail}; ${report.records} records before it hold`
  );
}
