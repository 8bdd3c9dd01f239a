import { createHash } from 'node:crypto';
import { ZenEngine } from '@gorules/zen-engine';
import { sql } from 'kysely';
import { type Executor, inTransaction } from '../../db/index.ts';
import type { AuditContext, Identity } from '../../identity/index.ts';
import { actorId } from '../../identity/index.ts';
import { type Clock, conflict, invalid, notFound, ruleViolation, uuidv7 } from '../../kernel/index.ts';
import { RULE_CODES } from './default-rules.ts';

/**
 * AML rule sets as versions, like the risk graphs: a draft can be edited; publishing validates it
 * (it must compile, and on sample customers name only rules netfin knows) and freezes it; the newest
 * published version is in force and the one it replaces is retired. Every change is audited.
 */
export type RuleSetStatus = 'draft' | 'published' | 'retired';

export interface RuleSet {
  id: string;
  version: number;
  status: RuleSetStatus;
  content: RuleDocument;
  description: string | null;
  createdBy: string;
  createdAt: Date;
  publishedBy: string | null;
  publishedAt: Date | null;
  retiredAt: Date | null;
}

export interface RuleDocument {
  nodes: { id: string; type: string; name?: string; content?: unknown; [key: string]: unknown }[];
  edges: { id: string; sourceId: string; targetId: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

interface Row {
  id: string;
  version: number;
  status: RuleSetStatus;
  content: RuleDocument;
  description: string | null;
  created_by: string;
  created_at: Date;
  published_by: string | null;
  published_at: Date | null;
  retired_at: Date | null;
}

const toRuleSet = (r: Row): RuleSet => ({
  id: r.id,
  version: Number(r.version),
  status: r.status,
  content: r.content,
  description: r.description,
  createdBy: r.created_by,
  createdAt: r.created_at,
  publishedBy: r.published_by,
  publishedAt: r.published_at,
  retiredAt: r.retired_at,
});

/** Customers the published rules are tried on: a quiet one (nothing may fire) and a busy one. */
const SAMPLES: Record<string, unknown>[] = [
  {
    cashToday: 0,
    movementsToday: 0,
    recentAmounts: [],
    rapidInCents: 0,
    rapidOutBp: 0,
    rapidOthers: 0,
    sharedAccounts: 0,
    sharedKind: null,
    idleDays: 0,
    movements30d: 0,
    declaredIncome: 0,
  },
  {
    cashToday: 9_000_000,
    movementsToday: 9_000_000,
    recentAmounts: [4_900_000, 4_800_000, 4_700_000],
    rapidInCents: 5_000_000,
    rapidOutBp: 10_000,
    rapidOthers: 0,
    sharedAccounts: 5,
    sharedKind: 'card',
    idleDays: 400,
    movements30d: 50_000_000,
    declaredIncome: 1_000_000,
  },
];

export function parseRuleDocument(content: unknown): RuleDocument {
  const doc = content as RuleDocument | null;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.nodes) || !Array.isArray(doc.edges))
    throw invalid('rule_set_malformed', 'a rule set is a JDM document with nodes and edges');
  for (const node of doc.nodes)
    if (!node || typeof node.id !== 'string' || typeof node.type !== 'string')
      throw invalid('rule_set_malformed', 'every node has an id and a type');
  for (const edge of doc.edges)
    if (!edge || typeof edge.sourceId !== 'string' || typeof edge.targetId !== 'string')
      throw invalid('rule_set_malformed', 'every edge has a sourceId and a targetId');
  if (doc.nodes.filter((n) => n.type === 'inputNode').length !== 1)
    throw invalid('rule_set_malformed', 'a rule set has exactly one input node');
  if (doc.nodes.some((n) => n.type === 'customNode' || n.type === 'functionNode'))
    throw invalid('rule_set_malformed', 'rules are decision tables and expressions, never code');
  return doc;
}

export function checksum(content: unknown): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}

export class RuleSetStore {
  private readonly engine = new ZenEngine();
  private readonly compiled = new Map<string, ReturnType<ZenEngine['createDecision']>>();

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly identity: Identity,
  ) {}

  async get(id: string, db: Executor = this.db): Promise<RuleSet> {
    const rows = await sql<Row>`select * from aml_rule_sets where id = ${id}::uuid`.execute(db);
    if (!rows.rows[0]) throw notFound('rule_set_not_found', 'no such AML rule set version');
    return toRuleSet(rows.rows[0]);
  }

  async list(): Promise<RuleSet[]> {
    const rows = await sql<Row>`select * from aml_rule_sets order by version desc`.execute(this.db);
    return rows.rows.map(toRuleSet);
  }

  /** The version in force: the newest published. */
  async inForce(db: Executor = this.db): Promise<RuleSet> {
    const rows = await sql<Row>`
      select * from aml_rule_sets where status = 'published' order by version desc limit 1`.execute(db);
    if (!rows.rows[0]) throw notFound('no_published_rule_set', 'no AML rule set is published');
    return toRuleSet(rows.rows[0]);
  }

  /** Evaluates one customer's facts; returns the rules that fired. */
  async evaluate(ruleSet: RuleSet, facts: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    let decision = ruleSet.status === 'draft' ? undefined : this.compiled.get(ruleSet.id);
    if (!decision) {
      decision = this.engine.createDecision(ruleSet.content as never);
      if (ruleSet.status !== 'draft') this.compiled.set(ruleSet.id, decision);
    }
    const response = await decision.evaluate(facts);
    const result = response.result as unknown;
    const rows = Array.isArray(result) ? result : result && typeof result === 'object' ? [result] : [];
    return rows.filter(
      (r): r is Record<string, unknown> => Boolean(r) && typeof r === 'object' && 'rule' in r,
    );
  }

  /** A new draft: the content given, or a copy of the version in force. */
  async createDraft(
    input: { content?: unknown; description?: string | undefined },
    context: AuditContext,
  ): Promise<RuleSet> {
    const content = parseRuleDocument(input.content ?? (await this.inForce()).content);
    const id = uuidv7();
    await inTransaction(this.db, async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('aml-rule-sets'))`.execute(trx);
      const next = await sql<{
        v: number;
      }>`select coalesce(max(version), 0) + 1 as v from aml_rule_sets`.execute(trx);
      const version = Number(next.rows[0]!.v);
      await sql`
        insert into aml_rule_sets (id, version, status, content, description, created_by, created_at)
        values (${id}, ${version}, 'draft', ${JSON.stringify(content)}::jsonb, ${input.description ?? null},
                ${actorId(context.principal)}, ${this.clock.now()})`.execute(trx);
      await this.identity.audit(
        context,
        {
          action: 'aml.rule_set_drafted',
          subjectType: 'aml_rule_set',
          subjectId: id,
          after: { version, checksum: checksum(content) },
        },
        trx,
      );
    });
    return this.get(id);
  }

  async updateDraft(
    id: string,
    input: { content: unknown; description?: string | undefined },
    context: AuditContext,
  ): Promise<RuleSet> {
    const content = parseRuleDocument(input.content);
    await inTransaction(this.db, async (trx) => {
      const current = await this.get(id, trx);
      if (current.status !== 'draft')
        throw conflict(
          'rule_set_not_draft',
          `version ${current.version} is ${current.status} and cannot change`,
        );
      await sql`update aml_rule_sets set content = ${JSON.stringify(content)}::jsonb,
                       description = coalesce(${input.description ?? null}, description)
                where id = ${id}::uuid and status = 'draft'`.execute(trx);
      await this.identity.audit(
        context,
        {
          action: 'aml.rule_set_edited',
          subjectType: 'aml_rule_set',
          subjectId: id,
          before: { checksum: checksum(current.content) },
          after: { checksum: checksum(content) },
        },
        trx,
      );
    });
    return this.get(id);
  }

  /** Validates, publishes, and retires the version it replaces. */
  async publish(id: string, context: AuditContext): Promise<RuleSet> {
    const draft = await this.get(id);
    if (draft.status !== 'draft')
      throw conflict('rule_set_not_draft', `version ${draft.version} is already ${draft.status}`);
    await this.validate(draft);
    await inTransaction(this.db, async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('aml-rule-sets'))`.execute(trx);
      const retired = await sql<{ id: string; version: number }>`
        update aml_rule_sets set status = 'retired', retired_at = ${this.clock.now()}
        where status = 'published' and version < ${draft.version} returning id, version`.execute(trx);
      const updated = await sql`
        update aml_rule_sets set status = 'published', published_by = ${actorId(context.principal)}, published_at = ${this.clock.now()}
        where id = ${id}::uuid and status = 'draft'`.execute(trx);
      if (updated.numAffectedRows !== 1n)
        throw conflict('rule_set_not_draft', 'this version was published meanwhile');
      await this.identity.audit(
        context,
        {
          action: 'aml.rule_set_published',
          subjectType: 'aml_rule_set',
          subjectId: id,
          after: {
            version: draft.version,
            checksum: checksum(draft.content),
            retired: retired.rows.map((r) => Number(r.version)),
          },
        },
        trx,
      );
    });
    return this.get(id);
  }

  /** Compiles the document and runs it on the sample customers: only known rule codes may come out. */
  private async validate(ruleSet: RuleSet): Promise<void> {
    parseRuleDocument(ruleSet.content);
    for (const sample of SAMPLES) {
      let fired: Record<string, unknown>[];
      try {
        fired = await this.evaluate(ruleSet, sample);
      } catch (error) {
        throw ruleViolation('rule_set_invalid', `the rules do not evaluate: ${String(error).slice(0, 300)}`);
      }
      for (const row of fired)
        if (!(RULE_CODES as readonly string[]).includes(String(row.rule)))
          throw ruleViolation(
            'rule_set_unknown_rule',
            `the rules name an unknown rule: ${String(row.rule)}`,
            {
              known: RULE_CODES,
            },
          );
    }
  }

  /** Ships the default rules as version 1, published, if there is no version yet. */
  async seed(content: unknown, db: Executor = this.db): Promise<void> {
    const exists = await sql`select 1 from aml_rule_sets limit 1`.execute(db);
    if (exists.rows.length > 0) return;
    await inTransaction(db, async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('aml-rule-sets'))`.execute(trx);
      await sql`
        insert into aml_rule_sets (id, version, status, content, description, created_by, created_at, published_by, published_at)
        select ${uuidv7()}, 1, 'published', ${JSON.stringify(content)}::jsonb, 'shipped with netfin', 'system',
               ${this.clock.now()}, 'system', ${this.clock.now()}
        where not exists (select 1 from aml_rule_sets)`.execute(trx);
    });
  }
}
