/**
 * Regenerates src/risk/default-model.json, the scorecard netfin ships and loads on first start:
 * trained from the LendingClub sample in data/ (target Class, bad "bad"), leaving out the platform's
 * own grade and rate (they are the outcome of pricing, not inputs to it) and the US state.
 *   npx tsx scripts/train-default-model.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { train } from '../src/risk/scorecard/index.ts';

const result = train({
  data: readFileSync(new URL('../data/lending_club.csv', import.meta.url), 'utf8'),
  target: 'Class',
  bad: 'bad',
  exclude: ['int_rate', 'sub_grade', 'addr_state'],
  seed: 42,
  cv: 5,
  clock: { now: () => new Date('2026-11-23T00:00:00Z') },
});
writeFileSync(
  new URL('../src/risk/default-model.json', import.meta.url),
  `${JSON.stringify({ model: result.model, report: result.report }, null, 1)}\n`,
);
console.log(
  `default model: holdout AUC ${result.report.auc.toFixed(3)}, ${result.model.variables.length} variables`,
);
