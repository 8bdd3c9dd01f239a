import { Command } from 'commander';
import { openPlatform } from '../app/platform.ts';
import { parseDate } from '../kernel/index.ts';
import { GatewaySim } from '../payments/index.ts';
import { configFrom, type GlobalOptions } from './options.ts';

export function paymentsCommand(global: () => GlobalOptions): Command {
  const payments = new Command('payments').description('Payment operations');
  payments
    .command('reconcile')
    .description(
      "Compare a channel's statement for a business date with netfin's orders; differences open exceptions",
    )
    .requiredOption('--date <YYYY-MM-DD>', 'the business date')
    .option('--channel <name>', 'the channel', 'sim')
    .option('--json', 'print JSON')
    .action(async (options: { date: string; channel: string; json?: boolean }) => {
      if (!parseDate(options.date).ok) {
        console.error('netfin: --date must be a date such as 2026-11-23');
        process.exitCode = 2;
        return;
      }
      const platform = await openPlatform(configFrom(global()));
      try {
        const report = await platform.payments.reconcile(options.channel, options.date);
        if (options.json) console.log(JSON.stringify(report));
        else {
          console.log(`reconciled ${report.channel} for ${report.businessDate}`);
          for (const [classification, count] of Object.entries(report.counts))
            console.log(`  ${classification}: ${count}`);
        }
      } finally {
        await platform.close();
      }
    });
  return payments;
}

export function gatewaySimCommand(): Command {
  return new Command('gateway-sim')
    .description('Run the simulated payment gateway on its own (netfin starts one in-process in demo mode)')
    .option('--port <port>', 'port to listen on', '4000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .requiredOption(
      '--secret <secret>',
      'the notification signing secret (give netfin the same as NETFIN_CHANNEL_SIM_SECRET)',
    )
    .action(async (options: { port: string; host: string; secret: string }) => {
      const sim = new GatewaySim({ secret: options.secret, log: (line) => console.log(line) });
      const url = await sim.listen(Number(options.port), options.host);
      console.log(
        `simulated gateway on ${url}: POST /v1/charges, /v1/payouts; GET /v1/orders/:id, /v1/statements/:date`,
      );
      const stop = async () => {
        await sim.close();
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop());
      process.on('SIGINT', () => void stop());
    });
}
