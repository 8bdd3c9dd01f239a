import { Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '../app/config.ts';
import { openPlatform } from '../app/platform.ts';
import { DayCloseError } from '../batch/index.ts';
import { DataDirInUseError, MigrationError } from '../db/index.ts';
import { DomainError } from '../kernel/index.ts';
import { analyticsCommand } from './analytics-commands.ts';
import { auditCommand } from './audit-commands.ts';
import { batchCommands } from './batch-commands.ts';
import { ledgerCommand } from './ledger-commands.ts';
import { lendingCommand, loanCommand } from './lending-commands.ts';
import { configFrom, type GlobalOptions } from './options.ts';
import { gatewaySimCommand, paymentsCommand } from './payments-commands.ts';
import { riskCommand } from './risk-commands.ts';
import { start } from './start.ts';

function positiveInteger(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new InvalidArgumentError('must be a whole number of at least 1');
  return Number(text);
}

function port(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new InvalidArgumentError('must be a port number 0-65535');
  return Number(text);
}

const program = new Command('netfin')
  .description('netfin: an open-source Internet finance platform')
  .option(
    '--data-dir <dir>',
    'where the embedded database keeps its files (NETFIN_DATA_DIR; default ./.netfin/data)',
  )
  .option('--memory', 'keep the embedded database in memory: a throwaway instance')
  .showHelpAfterError();

const globals = () => program.opts<GlobalOptions>();

program
  .command('start')
  .description('Start the API server (and the web app, when built)')
  .option('--port <port>', 'listen on this port (PORT; default 3000)', port)
  .option('--host <host>', 'listen on this address (HOST; default 127.0.0.1)')
  .option('--memory', 'keep the embedded database in memory: a throwaway instance')
  .option('--workers <n>', 'serve from n processes (needs DATABASE_URL)', positiveInteger, 1)
  .action(async (options: { port?: number; host?: string; memory?: boolean; workers: number }) => {
    const config = configFrom(
      { ...globals(), ...(options.memory ? { memory: true } : {}) },
      {
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.host ? { host: options.host } : {}),
      },
    );
    await start(config, { workers: options.workers });
  });

program
  .command('migrate')
  .description('Apply pending database migrations')
  .action(async () => {
    const platform = await openPlatform(configFrom(globals()), { migrate: false });
    try {
      const { migrate } = await import('../db/index.ts');
      const report = await migrate(platform.db);
      if (report.applied.length === 0)
        console.log(`the database is up to date (${report.alreadyApplied} migrations applied)`);
      for (const id of report.applied) console.log(`applied ${id}`);
    } finally {
      await platform.close();
    }
  });

program.addCommand(ledgerCommand(globals));
program.addCommand(paymentsCommand(globals));
program.addCommand(gatewaySimCommand());
program.addCommand(riskCommand());
program.addCommand(loanCommand());
program.addCommand(lendingCommand(globals));
for (const command of batchCommands(globals)) program.addCommand(command);
program.addCommand(auditCommand(globals));
program.addCommand(analyticsCommand(globals));
program.addCommand((await import('./contract-commands.ts')).contractsCommand(globals));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof DomainError) {
    console.error(`netfin: ${error.code}: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof DayCloseError) {
    console.error(`netfin: day-close stopped: ${error.message}\n(run it again to resume where it stopped)`);
    process.exit(1);
  }
  if (error instanceof ConfigError || error instanceof MigrationError || error instanceof DataDirInUseError) {
    console.error(`netfin: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
