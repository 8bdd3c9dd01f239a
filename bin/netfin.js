#!/usr/bin/env node
// The `netfin` command. It runs the TypeScript sources directly through tsx, so that
// `npx netfin <subcommand>` works right after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
