import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { identityDataProtection } from '../../identity/index.ts';
import { addDays, type PlainDate, uuidv7 } from '../../kernel/index.ts';
import { deleteSourceCacheBefore, stripSourceResponsesBefore } from '../../risk/index.ts';
import type { ComplianceDeps } from '../deps.ts';

/**
 * Retention rules: per kind of data, how many days after its event it is deleted, blanked,
 * stripped or anonymised. Compliance decides when; the context owning the rows does the change
 * (identity, risk) through its index.ts, except for compliance's own exports.
 *
 * A rule's age is counted in business days back from the day being closed: the data goes when its
 * event (a session's end, a code's creation, a notification's sending, a decision's business date,
 * an account's closure, an export's creation) is before the start of that day minus `afterDays`,
 * in the business time zone. The audit log and the ledger are never touched: both are hash-chained
 * and append-only, and the law wants them whole.
 */
export const RETENTION_KINDS = [
  'sessions',
  'sms_codes',
  'notification_bodies',
  'risk_source_cache',
  'risk_source_responses',
  'closed_accounts',
  'data_exports',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

export interface RetentionRule {
  readonly kind: RetentionKind;
  readonly action: 'delete' | 'anonymise' | 'blank' | 'strip';
  readonly afterDays: number;
  readonly enabled: boolean;
  readonly updatedAt: Date;
  readonly updatedBy: string;
}

export interface RetentionRun {
  readonly id: string;
  readonly businessDate: PlainDate;
  readonly kind: string;
  readonly action: string;
  readonly afterDays: number;
  readonly rowsAffected: number;
  readonly trigger: 'day_close' | 'manual';
  readonly ranBy: string;
  readonly ranAt: Date;
}

/** The start of a business date in the business time zone (Asia/Shanghai, UTC+8 all year). */
export const startOfBusinessDay = (date: PlainDate) => new Date(`${date}T00:00:00+08:00`);

export async function retentionRules(db: Executor): Promise<RetentionRule[]> {
  const rows = await sql<{
    kind: RetentionKind;
    action: RetentionRule['action'];
    after_days: number;
    enabled: boolean;
    updated_at: Date;
    updated_by: string;
  }>`select kind, action, after_days, enabled, updated_at, updated_by from privacy_retention_rules order by kind`.execute(
    db,
  );
  return rows.rows.map((r) => ({
    kind: r.kind,
    action: r.action,
    afterDays: r.after_days,
    enabled: r.enabled,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  }));
}

/** Applies one rule as of `date`; returns the rows it deleted or changed. */
async function applyRule(
  deps: ComplianceDeps,
  db: Executor,
  rule: RetentionRule,
  date: PlainDate,
): Promise<number> {
  const cutoffDate = addDays(date, -rule.afterDays);
  const before = startOfBusinessDay(cutoffDate);
  const { clock, identity } = deps;
  switch (rule.kind) {
    case 'sessions':
      return identityDataProtection.deleteSessionsEndedBefore(db, before);
    case 'sms_codes':
      return identityDataProtection.deleteSmsCodesBefore(db, before);
    case 'notification_bodies':
      return identityDataProtection.blankNotificationsSentBefore(db, identity.vault, clock, before);
    case 'closed_accounts':
      return identityDataProtection.anonymiseAccountsClosedBefore(db, identity.vault, clock, before);
    case 'risk_source_cache':
      return deleteSourceCacheBefore(db, before);
    case 'risk_source_responses':
      return stripSourceResponsesBefore(db, clock, cutoffDate);
    case 'data_exports': {
      const result = await sql`delete from privacy_data_exports where created_at < ${before}`.execute(db);
      return Number(result.numAffectedRows ?? 0n);
    }
  }
}

/**
 * Applies the enabled rules (all, or those of `kinds`) as of `date` in the caller's transaction and
 * records a run per rule. Idempotent: what a rule removed is not there to remove again, so a second
 * run records zero rows.
 */
export async function applyRetention(
  deps: ComplianceDeps,
  db: Executor,
  date: PlainDate,
  how: { trigger: 'day_close' | 'manual'; ranBy: string; kinds?: readonly string[] },
): Promise<RetentionRun[]> {
  const rules = (await retentionRules(db)).filter(
    (r) => r.enabled && (how.kinds === undefined || how.kinds.includes(r.kind)),
  );
  const runs: RetentionRun[] = [];
  for (const rule of rules) {
    const rowsAffected = await applyRule(deps, db, rule, date);
    const run: RetentionRun = {
      id: uuidv7(),
      businessDate: date,
      kind: rule.kind,
      action: rule.action,
      afterDays: rule.afterDays,
      rowsAffected,
      trigger: how.trigger,
      ranBy: how.ranBy,
      ranAt: deps.clock.now(),
    };
    await sql`
      insert into privacy_retention_runs (id, business_date, kind, action, after_days, rows_affected, trigger, ran_by, ran_at)
      values (${run.id}::uuid, ${date}::date, ${run.kind}, ${run.action}, ${run.afterDays}, ${rowsAffected},
              ${run.trigger}, ${run.ranBy}, ${run.ranAt})`.execute(db);
    runs.push(run);
  }
  return runs;
}

export async function retentionRuns(db: Executor, limit: number): Promise<RetentionRun[]> {
  const rows = await sql<{
    id: string;
    business_date: string;
    kind: string;
    action: string;
    after_days: number;
    rows_affected: bigint;
    trigger: 'day_close' | 'manual';
    ran_by: string;
    ran_at: Date;
  }>`
    select id, business_date::text, kind, action, after_days, rows_affected, trigger, ran_by, ran_at
    from privacy_retention_runs order by ran_at desc, id desc limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    businessDate: r.business_date as PlainDate,
    kind: r.kind,
    action: r.action,
    afterDays: r.after_days,
    rowsAffected: Number(r.rows_affected),
    trigger: r.trigger,
    ranBy: r.ran_by,
    ranAt: r.ran_at,
  }));
}
