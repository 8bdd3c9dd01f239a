import { type Config, loadConfig } from '../app/config.ts';

export interface GlobalOptions {
  readonly memory?: boolean;
  readonly dataDir?: string;
}

export function configFrom(options: GlobalOptions, overrides: Partial<Config> = {}): Config {
  return loadConfig(process.env, {
    ...(options.memory ? { memory: true } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...overrides,
  });
}
