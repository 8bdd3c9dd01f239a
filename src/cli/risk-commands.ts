import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { DomainError } from '../kernel/index.ts';
import { scorecard } from '../risk/index.ts';

/**
 * `netfin risk train | score | psi`: scorecards from any CSV with a binary outcome. Pure computation on
 * files; nothing touches the database (load a trained model into netfin with the API or `--load`).
 */
function integer(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('must be a whole number');
  return Number(text);
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new DomainError(
      'file_not_readable',
      'invalid',
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function list(text: string | undefined): string[] | undefined {
  return text
    ? text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

const pct = (x: number) => x.toFixed(4);

export function riskCommand(): Command {
  const risk = new Command('risk').description('Credit scorecards: train, score, population stability');

  risk
    .command('train')
    .description('Train a scorecard: bin, WOE/IV, select, logistic regression, scale to points')
    .requiredOption('--data <file.csv>', 'the training data')
    .requiredOption('--target <column>', 'the outcome column')
    .requiredOption('--bad <value>', 'the outcome value that means bad')
    .option('--exclude <a,b>', 'columns to leave out')
    .option('--numeric <a,b>', 'columns that must be numeric')
    .option('--cv <k>', 'stratified k-fold cross-validation (re-binning in each fold)', integer)
    .option('--seed <n>', 'random seed', integer, 42)
    .option('--points <n>', 'points at the reference odds', integer, 600)
    .option('--odds <n>', 'the reference good:bad odds', integer, 50)
    .option('--pdo <n>', 'points to double the odds', integer, 20)
    .option('--out <model.json>', 'write the model here')
    .option('--json', 'print the report as one JSON object')
    .action(
      (o: {
        data: string;
        target: string;
        bad: string;
        exclude?: string;
        numeric?: string;
        cv?: number;
        seed: number;
        points: number;
        odds: number;
        pdo: number;
        out?: string;
        json?: boolean;
      }) => {
        const result = scorecard.train({
          data: read(o.data),
          target: o.target,
          bad: o.bad,
          ...(o.exclude ? { exclude: list(o.exclude)! } : {}),
          ...(o.numeric ? { numeric: list(o.numeric)! } : {}),
          ...(o.cv ? { cv: o.cv } : {}),
          seed: o.seed,
          scaling: { points: o.points, odds: o.odds, pdo: o.pdo },
        });
        if (o.out) writeFileSync(o.out, `${JSON.stringify(result.model, null, 1)}\n`);
        const r = result.report;
        if (o.json) {
          console.log(
            JSON.stringify({
              auc: r.auc,
              ks: r.ks,
              gini: r.gini,
              cv: r.cv ? { folds: r.cv.folds, aucMean: r.cv.aucMean, aucStd: r.cv.aucStd } : null,
              variables: r.variables,
              dropped: r.dropped,
              warnings: r.warnings,
            }),
          );
          return;
        }
        console.log(
          `holdout AUC ${pct(r.auc)}  KS ${pct(r.ks)}  Gini ${pct(r.gini)}  (${r.rows.train} rows trained, ${r.rows.holdout} held out)`,
        );
        if (r.cv) console.log(`${r.cv.folds}-fold CV AUC ${pct(r.cv.aucMean)} ± ${pct(r.cv.aucStd)}`);
        console.log('variables (IV):');
        for (const v of r.variables)
          console.log(`  ${v.name.padEnd(28)} ${pct(v.iv)}  ${v.bins.length} bins`);
        for (const d of r.dropped)
          console.log(`  dropped ${d.name}: ${d.reason}${d.detail ? ` (${d.detail})` : ''}`);
        for (const w of r.warnings) console.log(`  note: ${w.message}`);
        if (o.out) console.log(`model written to ${o.out}`);
      },
    );

  risk
    .command('score')
    .description('Score rows: the score and the three reasons that cost the most points')
    .requiredOption('--model <model.json>', 'a trained model')
    .requiredOption('--data <file.csv>', 'rows to score')
    .option('--json', 'print JSON lines')
    .action((o: { model: string; data: string; json?: boolean }) => {
      const model = scorecard.parseModel(JSON.parse(read(o.model)));
      const rows = scorecard.scoreRows(model, scorecard.parseCsv(read(o.data)));
      rows.forEach((row, i) => {
        if (o.json)
          console.log(
            JSON.stringify({
              row: i + 1,
              score: row.score,
              probabilityBad: row.probabilityBad,
              reasons: row.reasons,
              fallbacks: row.fallbacks,
            }),
          );
        else
          console.log(
            `${i + 1}\t${row.score}\t${row.reasons.map((r) => `${r.variable}=${r.bin} (-${r.cost})`).join('; ')}`,
          );
      });
    });

  risk
    .command('psi')
    .description('Population stability index per variable and for the score')
    .requiredOption('--model <model.json>', 'a trained model')
    .requiredOption('--baseline <a.csv>', 'the population the model was built on')
    .requiredOption('--current <b.csv>', 'the population now')
    .option('--json', 'print JSON')
    .action((o: { model: string; baseline: string; current: string; json?: boolean }) => {
      const model = scorecard.parseModel(JSON.parse(read(o.model)));
      const report = scorecard.psi(
        model,
        scorecard.parseCsv(read(o.baseline)),
        scorecard.parseCsv(read(o.current)),
      );
      if (o.json) {
        console.log(JSON.stringify(report));
        return;
      }
      console.log(`score PSI ${pct(report.score.psi)} (${report.score.stability})`);
      for (const v of report.variables) console.log(`  ${v.name.padEnd(28)} ${pct(v.psi)} (${v.stability})`);
    });
  return risk;
}
