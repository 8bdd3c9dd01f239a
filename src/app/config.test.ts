import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { logSender } from '../identity/index.ts';
import { ConfigError, isLoopbackHost, loadConfig } from './config.ts';

describe('demo mode and the address it listens on', () => {
  it('serves the dev inbox in demo mode on a loopback address only', () => {
    expect(loadConfig({}).demo).toBe(true);
    expect(loadConfig({}).demoInbox).toBe(true);
    expect(loadConfig({ HOST: '::1' }).demoInbox).toBe(true);
    expect(loadConfig({ HOST: 'localhost', NETFIN_DEMO: 'true' }).demoInbox).toBe(true);
    // Behind a reverse proxy, loopback is whoever the proxy serves.
    expect(loadConfig({ NETFIN_TRUST_PROXY: 'true' }).demoInbox).toBe(false);
  });

  it('refuses to start the default demo on an address other machines reach', () => {
    for (const HOST of ['0.0.0.0', '::', '192.168.1.20', 'example.internal'])
      expect(() => loadConfig({ HOST }), HOST).toThrow(ConfigError);
  });

  it('starts it there only when NETFIN_DEMO=true is set explicitly, and then without the inbox', () => {
    const config = loadConfig({ HOST: '0.0.0.0', NETFIN_DEMO: 'true' });
    expect(config.demo).toBe(true);
    expect(config.demoInbox).toBe(false);
    const production = loadConfig({ HOST: '0.0.0.0', DATABASE_URL: 'postgres://db/netfin' });
    expect(production.demo).toBe(false);
    expect(production.demoInbox).toBe(false);
    expect(loadConfig({ HOST: '0.0.0.0', NETFIN_DEMO: 'false' }).demoInbox).toBe(false);
  });

  it('knows which addresses are loopback', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '127.0.0.1.example.com'])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});

describe('the log sender', () => {
  const message = {
    channel: 'sms' as const,
    recipient: '13812345678',
    template: 'sign_up',
    body: 'code 493817',
  };

  it('writes a one-time code to the log in demo mode only', async () => {
    const lines: string[] = [];
    await logSender((line) => lines.push(line), true).send(message);
    await logSender((line) => lines.push(line), false).send(message);
    expect(lines[0]).toContain('493817');
    expect(lines[1]).not.toContain('493817');
    expect(lines[1]).toContain('sign_up');
    expect(lines.join('\n')).not.toContain('13812345678');
  });
});

describe('the read database', () => {
  it('is the primary unless NETFIN_READ_DATABASE_URL names one, which needs DATABASE_URL', () => {
    expect(loadConfig({}).readDatabaseUrl).toBeUndefined();
    const config = loadConfig({
      DATABASE_URL: 'postgres://db/netfin',
      NETFIN_READ_DATABASE_URL: 'postgres://replica/netfin',
      NETFIN_READ_DB_POOL_SIZE: '4',
    });
    expect(config.readDatabaseUrl).toBe('postgres://replica/netfin');
    expect(config.readPoolSize).toBe(4);
    expect(() => loadConfig({ NETFIN_READ_DATABASE_URL: 'postgres://replica/netfin' })).toThrow(
      /needs DATABASE_URL/,
    );
    expect(() =>
      loadConfig({ DATABASE_URL: 'postgres://db/netfin', NETFIN_READ_DATABASE_URL: 'mysql://replica' }),
    ).toThrow(ConfigError);
  });
});

describe('the metrics port', () => {
  it('is off unless NETFIN_METRICS_PORT names one, and listens on HOST unless told otherwise', () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
    const config = loadConfig({ NETFIN_METRICS_PORT: '9464' });
    expect(config.metricsPort).toBe(9464);
    expect(config.metricsHost).toBe('127.0.0.1');
    expect(loadConfig({ NETFIN_METRICS_PORT: '9464', NETFIN_METRICS_HOST: '10.0.0.5' }).metricsHost).toBe(
      '10.0.0.5',
    );
    for (const NETFIN_METRICS_PORT of ['0', '65536', 'http', '-1'])
      expect(() => loadConfig({ NETFIN_METRICS_PORT }), NETFIN_METRICS_PORT).toThrow(ConfigError);
  });
});

describe("the risk engine's worker threads", () => {
  it('are as many as NETFIN_RISK_WORKERS says (two by default, one on one core), and refuse what is not a count', () => {
    expect(loadConfig({}).riskWorkers).toBe(Math.min(2, availableParallelism()));
    expect(loadConfig({ NETFIN_RISK_WORKERS: '0' }).riskWorkers).toBe(0);
    expect(loadConfig({ NETFIN_RISK_WORKERS: '3' }).riskWorkers).toBe(3);
    for (const NETFIN_RISK_WORKERS of ['-1', 'two', '65', '1.5'])
      expect(() => loadConfig({ NETFIN_RISK_WORKERS }), NETFIN_RISK_WORKERS).toThrow(ConfigError);
  });
});
