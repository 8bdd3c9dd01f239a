import { Command } from 'commander';
import { openPlatform } from '../app/platform.ts';
import { configFrom, type GlobalOptions } from './options.ts';

/**
 * `netfin audit verify`: walks the audit log's hash chain. Exit status 0 when it holds, 1 when it
 * does not (naming the first record that breaks it), so that a cron job or a CI step can alert on it.
 */
export function auditCommand(globals: () => GlobalOptions): Command {
  const audit = new Command('audit').description('The tamper-evident audit trail');
  audit
    .command('verify')
    .description('Walk the audit hash chain and name the first record whose hash does not hold')
    .option('--json', 'print one JSON object')
    .action(async (o: { json?: boolean }) => {
      const platform = await openPlatform(configFrom(globals()), { applicationName: 'netfin-audit' });
      try {
        const report = await platform.compliance.verifyAuditChain();
        if (o.json) console.log(JSON.stringify(report));
        else if (report.intact)
          console.log(
            `the audit chain is intact: ${report.records} records, head ${report.headHash} at position ${report.headPosition}` +
              (report.unchainedRecords > 0
                ? ` (${report.unchainedRecords} earlier records outside the chain)`
                : '') +
              `; ${report.recordedHeads} heads recorded at day-close match`,
          );
        else
          console.log(
            `the audit chain is broken at position ${report.position}` +
              (report.recordId ? ` (record ${report.recordId})` : '') +
              `: ${report.problem}: ${report.detail}; ${report.records} records before it hold`,
          );
        if (!report.intact) process.exitCode = 1;
      } finally {
        await platform.close();
      }
    });
  return audit;
}
