import { type ChildProcess, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { openPlatform } from '../app/platform.ts';
import type { CloseResult, Progress } from '../batch/index.ts';
import { DomainError, type PlainDate, parseDate } from '../kernel/index.ts';
import { configFrom, type GlobalOptions } from './options.ts';

function dateOption(text: string): PlainDate {
  const parsed = parseDate(text);
  if (!parsed.ok) throw new InvalidArgumentError('must be a date, YYYY-MM-DD');
  return parsed.value;
}

function workersOption(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 64)
    throw new InvalidArgumentError('must be a whole number from 1 to 64');
  return Number(text);
}

export const workerName = () => `${hostname()}:${process.pid}`;

/** One line per step on a pipe; a bar redrawn in place on a terminal. */
function progressPrinter(stream: NodeJS.WriteStream) {
  const started = new Map<string, number>();
  const finished = new Set<string>();
  return (p: Progress) => {
    const key = `${p.date} ${p.step}`;
    if (finished.has(key)) return;
    if (!started.has(key)) started.set(key, performance.now());
    const seconds = (performance.now() - started.get(key)!) / 1000;
    const done = p.chunks === 0 || p.chunksDone === p.chunks;
    if (done) finished.add(key);
    if (stream.isTTY) {
      const width = 24;
      const filled = p.chunks === 0 ? width : Math.round((p.chunksDone / p.chunks) * width);
      stream.write(
        `\r${p.date} [${p.position}/${p.steps}] ${p.step.padEnd(22)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.chunksDone}/${p.chunks} chunks, ${p.rows} rows, ${seconds.toFixed(1)} s\x1b[K`,
      );
      if (done) stream.write('\n');
    } else if (done) {
      stream.write(
        `${p.date} [${p.position}/${p.steps}] ${p.step}: ${p.chunks} chunks, ${p.rows} rows, ${seconds.toFixed(2)} s\n`,
      );
    }
  };
}

/** Starts n helper processes running `netfin worker --until-idle` on the same database. */
function spawnWorkers(n: number, globals: GlobalOptions): ChildProcess[] {
  const args = [...process.execArgv, process.argv[1]!, 'worker', '--until-idle'];
  if (globals.dataDir) args.push('--data-dir', globals.dataDir);
  return Array.from({ length: n }, () =>
    spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], env: process.env }),
  );
}

const exited = (child: ChildProcess) =>
  new Promise<number>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code ?? 1));
  });

/** `netfin day-close`, `netfin worker` and `netfin business-date`. */
export function batchCommands(globals: () => GlobalOptions): Command[] {
  const dayClose = new Command('day-close')
    .description(
      'Close the business date (every step, in order) and move to the next; resumes a run a crash left',
    )
    .option('--to <date>', 'close every date up to and including this one', dateOption)
    .option(
      '--date <date>',
      'close this date, which must be the business date (or already closed: nothing changes)',
      dateOption,
    )
    .option('--workers <n>', 'share the work among n processes (PostgreSQL only)', workersOption, 1)
    .option('--json', 'print one JSON object per date closed')
    .action(async (o: { to?: PlainDate; date?: PlainDate; workers: number; json?: boolean }) => {
      const config = configFrom(globals());
      if (o.workers > 1 && !config.databaseUrl)
        throw new DomainError(
          'workers_need_postgres',
          'invalid',
          'several workers need a PostgreSQL server (DATABASE_URL): the embedded database is one process',
        );
      const platform = await openPlatform(config, { applicationName: 'netfin-day-close' });
      const helpers = o.workers > 1 ? spawnWorkers(o.workers - 1, globals()) : [];
      const report = (r: CloseResult) => {
        if (o.json)
          console.log(
            JSON.stringify({ ...r, peakMemoryMb: Math.round(process.resourceUsage().maxRSS / 1024) }),
          );
        else if (r.alreadyClosed) console.log(`${r.date} was already closed: nothing to do`);
        else console.log(`closed ${r.date}; the business date is now ${r.nextBusinessDate}`);
      };
      try {
        const onProgress = o.json ? undefined : progressPrinter(process.stderr);
        const options = { workers: o.workers, ...(onProgress ? { onProgress } : {}) };
        if (o.to) {
          const results = await platform.batch.closeThrough(o.to, workerName(), {
            ...options,
            onClosed: report,
          });
          if (results.length === 0) console.log(`nothing to close: the business date is after ${o.to}`);
        } else
          report(
            await platform.batch.close(workerName(), { ...options, ...(o.date ? { date: o.date } : {}) }),
          );
      } finally {
        await Promise.all(helpers.map(exited));
        await platform.close();
      }
    });

  const worker = new Command('worker')
    .description(
      'Help with day-close runs: claim chunks of the current step from the work table (PostgreSQL)',
    )
    .option('--until-idle', 'exit when no run is in progress, instead of waiting for the next')
    .action(async (o: { untilIdle?: boolean }) => {
      const platform = await openPlatform(configFrom(globals()), { applicationName: 'netfin-worker' });
      const stop = new AbortController();
      process.once('SIGTERM', () => stop.abort());
      process.once('SIGINT', () => stop.abort());
      try {
        let runs = 0;
        if (o.untilIdle) {
          // A helper is started with a run (or a series of dates): it stays while runs keep coming,
          // and leaves after two seconds with none.
          let idleSince = performance.now();
          while (!stop.signal.aborted && performance.now() - idleSince < 2000) {
            const helped = await platform.batch.work(workerName(), { untilIdle: true, signal: stop.signal });
            if (helped > 0) idleSince = performance.now();
            runs += helped;
            await new Promise((r) => setTimeout(r, 50));
          }
        } else runs = await platform.batch.work(workerName(), { signal: stop.signal });
        process.stderr.write(
          `worker ${workerName()}: helped with ${runs} run(s), peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`,
        );
      } finally {
        await platform.close();
      }
    });

  const businessDate = new Command('business-date')
    .description('Print the business date and the last day-close runs')
    .option('--json', 'print one JSON object')
    .action(async (o: { json?: boolean }) => {
      const platform = await openPlatform(configFrom(globals()), { applicationName: 'netfin-cli' });
      try {
        const date = await platform.batch.businessDate();
        const runs = await platform.batch.runs({ limit: 5 });
        if (o.json) {
          console.log(JSON.stringify({ businessDate: date, runs }));
          return;
        }
        console.log(`business date: ${date}`);
        for (const run of runs)
          console.log(
            `  ${run.businessDate} ${run.status}${run.lastError ? ` (last error: ${run.lastError})` : ''}: ${run.steps.filter((s) => s.status === 'done').length}/${run.steps.length} steps`,
          );
      } finally {
        await platform.close();
      }
    });
  return [dayClose, worker, businessDate];
}
