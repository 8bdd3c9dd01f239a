import { Command, InvalidArgumentError } from 'commander';
import type { BackfillProgress } from '../analytics/index.ts';
import { openPlatform } from '../app/platform.ts';
import { addDays, DomainError, type PlainDate, parseDate } from '../kernel/index.ts';
import { configFrom, type GlobalOptions } from './options.ts';

function dateOption(text: string): PlainDate {
  const parsed = parseDate(text);
  if (!parsed.ok) throw new InvalidArgumentError('must be a date, YYYY-MM-DD');
  return parsed.value;
}

/** A bar redrawn in place on a terminal; a line per date on a pipe. */
function progressPrinter(stream: NodeJS.WriteStream) {
  const started = performance.now();
  return (p: BackfillProgress) => {
    const seconds = (performance.now() - started) / 1000;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round((p.done / p.total) * width);
      stream.write(
        `\r${p.date} ${p.area.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total}, ${seconds.toFixed(1)} s\x1b[K`,
      );
      if (p.done === p.total) stream.write('\n');
    } else if (!p.skipped) {
      stream.write(`${p.date} ${p.area}: ${p.facts} facts (${p.done}/${p.total}, ${seconds.toFixed(1)} s)\n`);
    }
  };
}

export function analyticsCommand(global: () => GlobalOptions): Command {
  const analytics = new Command('analytics').description(
    'Operations analytics: the daily facts behind the dashboards',
  );
  analytics
    .command('backfill')
    .description(
      'Compute the facts of past business dates from the data as it stands (resumable: what is done is skipped)',
    )
    .requiredOption('--from <date>', 'first business date', dateOption)
    .requiredOption('--to <date>', 'last business date (at most the last closed one)', dateOption)
    .option('--area <name...>', 'only these areas')
    .option('--force', 'compute again the dates already computed')
    .action(async (options: { from: PlainDate; to: PlainDate; area?: string[]; force?: boolean }) => {
      const platform = await openPlatform(configFrom(global()));
      try {
        const lastClosed = addDays(await platform.batch.businessDate(), -1);
        const report = await platform.analytics.backfill({
          from: options.from,
          to: options.to,
          lastClosed,
          ...(options.area ? { areas: options.area } : {}),
          ...(options.force ? { force: true } : {}),
          onProgress: progressPrinter(process.stderr),
        });
        console.log(
          `${report.days} days: ${report.computed} area-days computed (${report.facts} facts), ${report.skipped} already done`,
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        console.error(`netfin analytics backfill: ${error.message}`);
        process.exitCode = 1;
      } finally {
        await platform.close();
      }
    });
  return analytics;
}
