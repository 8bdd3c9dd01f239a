import { createHash } from 'node:crypto';
import type { RawBuilder } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Identity } from '../identity/index.ts';
import { type Clock, CNY, Decimal, formatAmount, invalid, parseAmount, uuidv7 } from '../kernel/index.ts';
import { NO_CONSENT, noConsentReason, notConsented, type SourceConsentSql } from './consent.ts';
import type { DecisionLog, DecisionRow } from './decision-log.ts';
import { readForDecision } from './decision-read.ts';
import { type Evaluation, RiskEngine } from './engine.ts';
import { features } from './features.ts';
import { checkOutputs, type GraphDocument, nodeErrorOf } from './graph-validation.ts';
import type { GraphStore, GraphVersion } from './graphs.ts';
import type { ModelStore } from './models.ts';
import type { PolicySettings, RiskSettings } from './settings.ts';
import {
  answerSources,
  type BureauReport,
  type DataSource,
  gather,
  type SourceRecord,
  type Subject,
} from './sources.ts';

export { VELOCITY_WINDOW } from './decision-read.ts';

/**
 * decide(application): gather data → anti-fraud rules → credit-policy rules → scorecard → grade and
 * price (all in the decision graph) → limits and caps (here). Every decision is logged with its
 * inputs, each source's response, the trace of every node, the graph and model versions, and the
 * outcome; replaying it gives the same result.
 */
export interface CreditApplication {
  readonly applicantId: string;
  readonly product: string;
  /** Minor units of CNY. */
  readonly amount: bigint;
  readonly termMonths: number;
  readonly purpose: string;
  readonly monthlyIncome: bigint;
  /** Monthly repayments on other debts, minor units. */
  readonly monthlyDebt: bigint;
  readonly employmentYears?: number | null;
  readonly device?: string | null;
  readonly ip?: string | null;
  /** What lending knows about the applicant: principal outstanding on netfin and overdue loans. */
  readonly internal?: {
    readonly outstandingPrincipal: bigint;
    readonly overdueLoans: number;
    readonly repaidLoans: number;
  };
}

export interface Decision {
  readonly decisionId: string;
  readonly outcome: 'approve' | 'refer' | 'decline';
  readonly grade: string | null;
  readonly score: number | null;
  readonly probabilityOfDefault: number | null;
  /** Decimal string: "0.1200" is 12% a year. */
  readonly annualRate: string | null;
  readonly upfrontFeeRate: string | null;
  /** What is offered, minor units (at most what was asked). */
  readonly amount: bigint | null;
  /** The most this applicant could borrow now, minor units. */
  readonly limit: bigint | null;
  readonly termOptions: number[];
  readonly reasons: string[];
  readonly variant: 'champion' | 'challenger' | 'simulation';
  readonly graph: { id: string; name: string; version: number };
  readonly model: { id: string; version: number } | null;
}

export interface DecideDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly identity: Identity;
  readonly graphs: GraphStore;
  readonly models: ModelStore;
  readonly settings: RiskSettings;
  readonly engine: RiskEngine;
  readonly log: DecisionLog;
  readonly sources: readonly DataSource<unknown>[];
  readonly graphName: string;
  /** The applicant's wallet balance, minor units, as SQL (payments' walletBalanceSql); absent: zero. */
  readonly walletBalanceSql?: ((userId: string) => RawBuilder<bigint>) | undefined;
  /** Whether the applicant allows a source to be asked, as SQL (consent.ts); absent: every source may be. */
  readonly consentSql?: SourceConsentSql | undefined;
}

const TERMS = [3, 6, 9, 12, 18, 24, 36];
const INCOME_MULTIPLE: Record<string, number> = { A: 10, B: 8, C: 6, D: 4, E: 3, F: 2, G: 0 };
const MAX_TERM: Record<string, number> = { A: 36, B: 36, C: 36, D: 24, E: 12, F: 12, G: 0 };

const yuan = (minor: bigint) => formatAmount(minor, CNY);

function checkApplication(a: CreditApplication): void {
  if (a.amount <= 0n) throw invalid('amount_must_be_positive', 'the amount must be more than zero');
  if (!Number.isInteger(a.termMonths) || a.termMonths < 1 || a.termMonths > 60)
    throw invalid('term_invalid', 'the term is 1-60 months');
  if (a.monthlyIncome < 0n || a.monthlyDebt < 0n)
    throw invalid('amount_must_not_be_negative', 'income and debt cannot be negative');
}

/** A stable number in [0, 1) per applicant: who a challenger decides for never flips between requests. */
export function bucketOf(applicantId: string): number {
  return createHash('sha256').update(`challenger:${applicantId}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** Everything a graph is evaluated on, gathered once and stored with the decision. */
export interface GatheredInput {
  readonly document: Record<string, unknown>;
  readonly sources: Record<string, SourceRecord>;
  readonly subject: string | null;
}

export async function gatherInput(deps: DecideDeps, application: CreditApplication): Promise<GatheredInput> {
  checkApplication(application);
  const { identity } = deps;
  // One statement (decision-read.ts) beside the policy (cached): the facts, consent, cached sources,
  // velocity and wallet in one round trip.
  const [read, policy] = await Promise.all([
    readForDecision(deps.db, {
      applicantId: application.applicantId,
      device: application.device ?? null,
      ip: application.ip ?? null,
      now: deps.clock.now(),
      sources: deps.sources,
      consentSql: deps.consentSql,
      walletBalanceSql: deps.walletBalanceSql,
    }),
    deps.settings.policy(),
  ]);
  const facts = identity.kyc.applicantOf(read.facts);
  const verified = facts.verified;
  const unverified = (): Record<string, SourceRecord> =>
    Object.fromEntries(
      deps.sources.map((s) => [
        s.name,
        { status: 'failed', cached: false, response: null, error: 'identity not verified' } as SourceRecord,
      ]),
    );
  // A source the applicant has not consented to is not asked (nor read from the cache): it is
  // recorded as failed with the reason, and the decision goes on as when that source is down.
  const refused = verified ? read.refused : [];
  const asked = deps.sources.filter((s) => !refused.includes(s.name));
  let subject: string | null = null;
  let sources: Record<string, SourceRecord>;
  if (!verified) sources = unverified();
  else {
    // The clear identity number and phone are decrypted only for a source to fetch (a cache miss).
    const clear = (): Subject => ({ ...verified.clear(), key: subject! });
    let records: Record<string, SourceRecord>;
    if (verified.idNumberHash !== null) {
      subject = verified.idNumberHash;
      records = await answerSources(deps.db, deps.clock, asked, subject, clear, read.cached);
    } else {
      // A verified row without its stored hash (written by hand): the key computed, the cache read apart.
      subject = identity.vault.lookupHash(verified.clear().idNumber);
      records = await gather(deps.db, deps.clock, asked, clear());
    }
    sources = { ...records, ...Object.fromEntries(refused.map((name) => [name, notConsented()])) };
  }
  const velocity = read.velocity;
  const wallet = read.walletBalance;
  const bureau = (sources.bureau?.status === 'ok' ? sources.bureau.response : null) as BureauReport | null;
  const blacklist = (sources.blacklist?.status === 'ok' ? sources.blacklist.response : { hit: false }) as {
    hit: boolean;
  };
  const income = application.monthlyIncome;
  const accountAgeDays = Math.floor((deps.clock.now().getTime() - facts.createdAt.getTime()) / 86_400_000);
  const document = {
    applicant: {
      age: facts.age ?? 0,
      kycLevel: facts.kycLevel,
      accountAgeDays,
      region: facts.regionCode,
      walletBalance: yuan(wallet),
    },
    application: {
      product: application.product,
      amount: yuan(application.amount),
      termMonths: application.termMonths,
      purpose: application.purpose,
      monthlyIncome: yuan(income),
      monthlyDebt: yuan(application.monthlyDebt),
      // A ratio, not money: rules compare it with 0.5. Exact to 4 places.
      debtToIncome:
        income > 0n
          ? Number(new Decimal(application.monthlyDebt.toString()).div(income.toString()).toFixed(4))
          : 99,
      employmentYears: application.employmentYears ?? null,
      device: application.device ?? null,
      ip: application.ip ?? null,
    },
    bureau: bureau ?? { phoneMatches: true, otherPlatformLoans: 0, otherPlatformOutstanding: '0.00' },
    blacklist,
    velocity,
    internal: {
      outstandingPrincipal: yuan(application.internal?.outstandingPrincipal ?? 0n),
      overdueLoans: application.internal?.overdueLoans ?? 0,
      repaidLoans: application.internal?.repaidLoans ?? 0,
    },
    settings: policy,
    features: features({
      amountYuan: yuan(application.amount),
      termMonths: application.termMonths,
      monthlyIncomeYuan: yuan(income),
      employmentYears: application.employmentYears ?? null,
      kycLevel: facts.kycLevel,
      bureau,
    }),
  };
  return { document, sources, subject };
}

/** Evaluates a graph version on gathered input with pinned models; engine errors become a referral. */
export async function evaluateGraph(
  deps: DecideDeps,
  graph: { id: string | null; content: GraphDocument },
  input: GatheredInput,
  pinned: Record<string, string>,
  trace: boolean,
): Promise<{ evaluation: Evaluation | null; error: { nodeId?: string; message: string } | null }> {
  try {
    const evaluation = await deps.engine.evaluate(
      graph.id,
      graph.content,
      { ...input.document, _models: pinned },
      trace,
    );
    checkOutputs(evaluation.result, 'live');
    return { evaluation, error: null };
  } catch (error) {
    return { evaluation: null, error: nodeErrorOf(error) };
  }
}

export async function pinModels(deps: DecideDeps, graph: GraphDocument): Promise<Record<string, string>> {
  const pinned: Record<string, string> = {};
  for (const name of RiskEngine.modelNames(graph)) pinned[name] = (await deps.models.latest(name)).id;
  return pinned;
}

/** Turns the graph's verdict into a decision: source failures refer, limits and caps cut the amount. */
export function finish(
  application: Pick<CreditApplication, 'amount' | 'monthlyIncome' | 'internal'>,
  input: GatheredInput,
  policy: PolicySettings,
  evaluated: Awaited<ReturnType<typeof evaluateGraph>>,
): Omit<Decision, 'decisionId' | 'variant' | 'graph' | 'model'> {
  const result = evaluated.evaluation?.result ?? {};
  const reasons = [...((result.reasons as string[] | undefined) ?? [])];
  let outcome = (result.outcome as Decision['outcome'] | undefined) ?? 'refer';
  if (evaluated.error) {
    outcome = 'refer';
    reasons.push(`rule_error${evaluated.error.nodeId ? `:${evaluated.error.nodeId}` : ''}`);
  }
  for (const [name, record] of Object.entries(input.sources)) {
    if (record.status !== 'ok' && outcome !== 'decline') {
      outcome = 'refer';
      reasons.push(`data_source_unavailable:${name}`);
    }
    if (record.error === NO_CONSENT) reasons.push(noConsentReason(name));
  }
  const grade = (result.grade as string | undefined) ?? null;
  const letter = grade?.[0] ?? 'G';
  let annualRate = (result.annualRate as string | undefined) ?? null;
  if (annualRate !== null && new Decimal(annualRate).gt(policy.maxAnnualRate))
    annualRate = new Decimal(policy.maxAnnualRate).toFixed(4);
  let limit: bigint | null = null;
  let amount: bigint | null = null;
  if (outcome !== 'decline' && grade) {
    const byIncome = application.monthlyIncome * BigInt(INCOME_MULTIPLE[letter] ?? 0);
    const platformRoom =
      (parseAmount(policy.platformOutstandingMax, CNY) as { ok: true; value: bigint }).value -
      (application.internal?.outstandingPrincipal ?? 0n);
    limit = [byIncome, platformRoom].reduce((a, b) => (a < b ? a : b));
    if (limit < 0n) limit = 0n;
    amount = application.amount < limit ? application.amount : limit;
    if (amount <= 0n) {
      outcome = 'decline';
      reasons.push('no_credit_available');
      amount = null;
    } else if (amount < application.amount) reasons.push('amount_reduced_to_limit');
  }
  const maxTerm = MAX_TERM[letter] ?? 0;
  return {
    outcome,
    grade,
    score: (result.score as number | undefined) ?? null,
    probabilityOfDefault: (result.probabilityOfDefault as number | undefined) ?? null,
    annualRate: outcome === 'decline' ? null : annualRate,
    upfrontFeeRate: outcome === 'decline' ? null : ((result.upfrontFeeRate as string | undefined) ?? null),
    amount: outcome === 'decline' ? null : amount,
    limit,
    termOptions: outcome === 'decline' ? [] : TERMS.filter((t) => t <= maxTerm),
    reasons: [...new Set(reasons)],
  };
}

export async function decide(
  deps: DecideDeps,
  application: CreditApplication,
  options: { trace?: boolean } = {},
): Promise<Decision> {
  const input = await gatherInput(deps, application);
  const [champion, challenger, policy] = await Promise.all([
    deps.graphs.champion(deps.graphName),
    deps.settings.challenger(),
    deps.settings.policy(),
  ]);
  let graph: GraphVersion = champion;
  let variant: 'champion' | 'challenger' = 'champion';
  if (challenger && bucketOf(application.applicantId) < Number(challenger.share)) {
    const candidate = await deps.graphs.getCached(challenger.graphId).catch(() => null);
    // A challenger competes with the champion of its own name: a loan graph never decides a line.
    if (candidate?.status === 'published' && candidate.name === deps.graphName) {
      graph = candidate;
      variant = 'challenger';
    }
  }
  const pinned = await pinModels(deps, graph.content);
  const evaluated = await evaluateGraph(
    deps,
    { id: graph.id, content: graph.content },
    input,
    pinned,
    options.trace ?? true,
  );
  const outcome = finish(application, input, policy, evaluated);
  const modelId = Object.values(pinned)[0] ?? null;
  const model = modelId ? await deps.models.get(modelId) : null;
  const decisionId = uuidv7();
  const twoAbove = (parseAmount(policy.twoOfficersAbove, CNY) as { ok: true; value: bigint }).value;
  const row: DecisionRow = {
    id: decisionId,
    applicantId: application.applicantId,
    subject: input.subject,
    input: {
      ...input.document,
      _models: pinned,
      request: { amount: application.amount.toString(), monthlyIncome: application.monthlyIncome.toString() },
    },
    sources: input.sources,
    graphId: graph.id,
    graphName: graph.name,
    graphVersion: graph.version,
    modelId,
    modelVersion: model?.version ?? null,
    variant,
    outcome: outcome.outcome,
    grade: outcome.grade,
    score: outcome.score,
    annualRate: outcome.annualRate,
    amount: outcome.amount,
    reasons: outcome.reasons,
    result: { ...outcome, error: evaluated.error },
    trace: evaluated.evaluation?.trace ?? null,
    createdAt: deps.clock.now(),
    businessDate: deps.clock.businessDate(),
    ...(outcome.outcome === 'refer'
      ? { review: { amount: application.amount, needsTwo: application.amount > twoAbove } }
      : {}),
  };
  await deps.log.write(row);
  return {
    decisionId,
    ...outcome,
    variant,
    graph: { id: graph.id, name: graph.name, version: graph.version },
    model: model ? { id: model.id, version: model.version } : null,
  };
}
