import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** `netfin risk train | score | psi` as a person runs them, on the public credit data. */
const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/netfin.js');
const work = mkdtempSync(path.join(tmpdir(), 'netfin-risk-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'risk', ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });

describe('netfin risk', () => {
  const model = path.join(work, 'model.json');

  it('trains, reporting AUC, KS, Gini, cross-validation and variables as one JSON object', () => {
    const train = run(
      'train',
      '--data',
      'data/credit_data.csv',
      '--target',
      'Status',
      '--bad',
      'bad',
      '--cv',
      '3',
      '--seed',
      '7',
      '--out',
      model,
      '--json',
    );
    expect(train.status, train.stderr).toBe(0);
    const report = JSON.parse(train.stdout);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['auc', 'ks', 'gini', 'cv', 'variables']));
    expect(report.cv).toMatchObject({ folds: 3 });
    expect(report.auc).toBeGreaterThan(0.75);
    expect(report.variables[0]).toMatchObject({
      name: expect.any(String),
      iv: expect.any(Number),
      bins: expect.any(Array),
    });
  }, 60_000);

  it('scores rows with three reason codes, and finds no drift between a population and itself', () => {
    const score = run('score', '--model', model, '--data', 'data/credit_data.csv', '--json');
    expect(score.status, score.stderr).toBe(0);
    const first = JSON.parse(score.stdout.split('\n')[0]!);
    expect(first.score).toEqual(expect.any(Number));
    expect(first.reasons.length).toBeLessThanOrEqual(3);
    const psi = run(
      'psi',
      '--model',
      model,
      '--baseline',
      'data/credit_data.csv',
      '--current',
      'data/credit_data.csv',
      '--json',
    );
    expect(psi.status, psi.stderr).toBe(0);
    expect(JSON.parse(psi.stdout).score.psi, psi.stdout.slice(0, 300)).toBeCloseTo(0, 9);
  }, 60_000);

  it('names the problem in a bad request and exits 2', () => {
    const wrong = run('train', '--data', 'data/credit_data.csv', '--target', 'Status', '--bad', 'terrible');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('bad_value_not_found');
    const missing = run('train', '--data', 'no-such.csv', '--target', 'Status', '--bad', 'bad');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('file_not_readable');
  });
});
