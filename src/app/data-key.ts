import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateDataKey } from '../identity/index.ts';
import { type Config, ConfigError } from './config.ts';

/**
 * The key personal data is encrypted with: NETFIN_DATA_KEY when set; otherwise, on the embedded
 * database, a key generated on first start and kept beside the data (mode 0600); in memory, a fresh
 * one. A PostgreSQL server needs NETFIN_DATA_KEY: a key kept on one machine would lock out the others.
 */
export function resolveDataKey(config: Config): Buffer {
  if (config.dataKey) return config.dataKey;
  if (config.databaseUrl) {
    throw new ConfigError(
      'NETFIN_DATA_KEY is required with DATABASE_URL (32 bytes, base64: openssl rand -base64 32)',
    );
  }
  if (config.memory) return generateDataKey();
  const file = path.join(config.dataDir, 'netfin-data.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new ConfigError(`${file} does not hold a 32-byte key`);
    return key;
  }
  const key = generateDataKey();
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
