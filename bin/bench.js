#!/usr/bin/env node
// `npm run bench -- <suite...>`: runs benchmarks from bench/ through tsx and updates bench/RESULTS.md.
import { register } from 'tsx/esm/api';

register();
await import('../bench/main.ts');
