import { sql } from 'kysely';
import { type Executor, inTransaction } from '../../db/index.ts';
import { type AuditContext, actorId, maskName } from '../../identity/index.ts';
import { conflict, notFound } from '../../kernel/index.ts';
import type { ComplianceDeps } from '../deps.ts';
import type { MatchReason } from './matcher.ts';
import type { MatchTrigger } from './matches-store.ts';

export type MatchStatus = 'open' | 'confirmed' | 'false_positive';
export type MatchDecision = 'confirmed' | 'false_positive';

/** A match as the queue shows it: the customer masked, the listed person, the score and why. */
export interface MatchView {
  readonly id: string;
  readonly userId: string;
  readonly customerName: string | null;
  readonly list: { readonly id: string; readonly name: string; readonly version: number };
  readonly entry: {
    readonly id: string;
    readonly line: number;
    readonly name: string;
    readonly aliases: readonly string[];
    readonly idNumberMasked: string | null;
    readonly birthDate: string | null;
    readonly source: string | null;
    readonly reason: string | null;
  };
  readonly score: string;
  readonly why: MatchReason;
  readonly trigger: MatchTrigger;
  readonly status: MatchStatus;
  readonly decisionReason: string | null;
  readonly decidedBy: string | null;
  readonly decidedAt: Date | null;
  readonly createdAt: Date;
}

interface Row {
  id: string;
  user_id: string;
  list_id: string;
  list_name: string;
  version: number;
  entry_id: string;
  line: number;
  name: string;
  aliases: string[];
  id_number_masked: string | null;
  birth_date: string | null;
  source: string | null;
  entry_reason: string | null;
  score: string;
  why: MatchReason;
  trigger: MatchTrigger;
  status: MatchStatus;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
}

const SELECT = sql`
  select m.id, m.user_id, m.list_id, l.name as list_name, v.version, m.entry_id, e.line, e.name, e.aliases,
         e.id_number_masked, e.birth_date::text, e.source, e.reason as entry_reason, m.score::text, m.why,
         m.trigger, m.status, m.decision_reason, m.decided_by, m.decided_at, m.created_at
  from screening_matches m
  join screening_entries e on e.id = m.entry_id
  join screening_list_versions v on v.id = e.version_id
  join screening_lists l on l.id = m.list_id`;

/** Keeps a name form's first character and each word's length; the rest is hidden. */
function maskForm(form: string): string {
  return [...form].map((ch, i) => (i === 0 || ch === ' ' ? ch : '*')).join('');
}

async function views(deps: ComplianceDeps, db: Executor, rows: Row[]): Promise<MatchView[]> {
  const names = await deps.identity.verifiedNamesOf([...new Set(rows.map((r) => r.user_id))], db);
  const masked = new Map(names.map((n) => [n.userId, maskName(n.realName)]));
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    customerName: masked.get(r.user_id) ?? null,
    list: { id: r.list_id, name: r.list_name, version: r.version },
    entry: {
      id: r.entry_id,
      line: r.line,
      name: r.name,
      aliases: r.aliases,
      idNumberMasked: r.id_number_masked,
      birthDate: r.birth_date,
      source: r.source,
      reason: r.entry_reason,
    },
    score: r.score,
    // The customer's side of the comparison is their name (in Han characters or pinyin): masked like it.
    why: { ...r.why, customerForm: maskForm(r.why.customerForm) },
    trigger: r.trigger,
    status: r.status,
    decisionReason: r.decision_reason,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    createdAt: r.created_at,
  }));
}

export async function listMatches(
  deps: ComplianceDeps,
  filter: { status?: MatchStatus | undefined; userId?: string | undefined; offset: number; limit: number },
): Promise<MatchView[]> {
  const rows = await sql<Row>`${SELECT}
    where ${filter.status === undefined ? sql`true` : sql`m.status = ${filter.status}`}
      and ${filter.userId === undefined ? sql`true` : sql`m.user_id = ${filter.userId}::uuid`}
    order by m.score desc, m.created_at, m.id offset ${filter.offset} limit ${filter.limit}`.execute(deps.db);
  return views(deps, deps.db, rows.rows);
}

export async function getMatch(deps: ComplianceDeps, id: string, db: Executor = deps.db): Promise<MatchView> {
  const rows = await sql<Row>`${SELECT} where m.id = ${id}::uuid`.execute(db);
  if (!rows.rows[0]) throw notFound('screening_match_not_found', 'no such match');
  return (await views(deps, db, rows.rows))[0]!;
}

/**
 * Decides an open match, once: confirmed (the customer is the listed person) or a false positive,
 * with the officer's reason; audited in the same transaction.
 */
/** Told of a confirmed match inside the decision's transaction (anti-money-laundering opens an alert). */
export type ConfirmedMatchListener = (trx: Executor, match: MatchView, reason: string) => Promise<unknown>;

export async function decideMatch(
  deps: ComplianceDeps,
  id: string,
  input: { decision: MatchDecision; reason: string },
  context: AuditContext,
  onConfirmed?: ConfirmedMatchListener,
): Promise<MatchView> {
  return inTransaction(deps.db, async (trx) => {
    const before = await getMatch(deps, id, trx);
    const updated = await sql`
      update screening_matches set status = ${input.decision}, decision_reason = ${input.reason},
             decided_by = ${actorId(context.principal)}, decided_at = ${deps.clock.now()}
      where id = ${id}::uuid and status = 'open'`.execute(trx);
    if (updated.numAffectedRows !== 1n)
      throw conflict('screening_match_decided', 'this match has been decided already', {
        status: before.status,
      });
    await deps.identity.audit(
      context,
      {
        action: 'screening.match_decided',
        subjectType: 'screening_match',
        subjectId: id,
        before: { status: before.status },
        after: { status: input.decision, reason: input.reason, userId: before.userId, score: before.score },
      },
      trx,
    );
    const decided = await getMatch(deps, id, trx);
    if (input.decision === 'confirmed' && onConfirmed) await onConfirmed(trx, decided, input.reason);
    return decided;
  });
}
