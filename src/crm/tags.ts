import { ZenEngine } from '@gorules/zen-engine';
import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { type AuditContext, actorId } from '../identity/index.ts';
import { conflict, invalid, notFound, uuidv7 } from '../kernel/index.ts';
import type { CrmContext } from './context.ts';

/**
 * Tags on customers, of two kinds. Rule tags: a ZEN decision table (hit policy "collect", as the AML
 * rules are) over each customer's portrait facts, every matching row naming a tag in its `tag`
 * output; the tables are kept as numbered versions, the newest in force, and evaluated by the
 * day-close's portraits step. Staff tags: put on and taken off by crm:manage, with who and when; a
 * removed tag is kept with its removal.
 */
export const TAG = /^[a-z0-9_-]{1,40}$/;

export interface TagRuleSet {
  readonly id: string;
  readonly version: number;
  readonly content: RuleDocument;
  readonly description: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
}

export interface RuleDocument {
  nodes: { id: string; type: string; content?: unknown; [key: string]: unknown }[];
  edges: { id: string; sourceId: string; targetId: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

export interface StaffTag {
  readonly id: string;
  readonly userId: string;
  readonly tag: string;
  readonly addedBy: string;
  readonly addedAt: Date;
  readonly removedBy: string | null;
  readonly removedAt: Date | null;
}

/**
 * The facts a tag rule reads, one object per customer: amounts are integer cents (exact as numbers
 * far beyond any real amount), counts and days integers, the rest short codes.
 */
export interface TagFacts {
  investedTotal: number;
  invested90d: number;
  investments90d: number;
  aum: number;
  contribution: number;
  loans: number;
  currentDpd: number;
  worstDpd: number;
  latePeriods: number;
  payments90d: number;
  activeDays30d: number;
  riskLevel: number;
  autoInvest: boolean;
  channel: string;
  ageBand: string;
}

const column = (id: string, name: string, field: string) => ({ id, name, field });

/** The rule set netfin starts with (version 1 when none was saved). */
export function defaultTagRules(): RuleDocument {
  const blank = { invested: '', dpd: '', active: '', auto: '', aum: '' };
  return {
    nodes: [
      { id: 'facts', type: 'inputNode', name: 'Portrait facts', position: { x: 80, y: 200 } },
      {
        id: 'tags',
        type: 'decisionTableNode',
        name: 'Tag rules',
        position: { x: 360, y: 200 },
        content: {
          hitPolicy: 'collect',
          inputs: [
            column('invested', 'Invested in 90 days (cents)', 'invested90d'),
            column('dpd', 'Days past due now', 'currentDpd'),
            column('active', 'Days active in 30 days', 'activeDays30d'),
            column('auto', 'Auto-invest on', 'autoInvest'),
            column('aum', 'Assets (cents)', 'aum'),
          ],
          outputs: [{ id: 'tag', name: 'Tag', field: 'tag' }],
          rules: [
            {
              _id: 'big-investor',
              _description: 'Invested 100,000.00 or more in 90 days',
              ...blank,
              invested: '>= 10000000',
              tag: '"big_investor_90d"',
            },
            {
              _id: 'overdue',
              _description: 'A loan or line past due now',
              ...blank,
              dpd: '> 0',
              tag: '"overdue_now"',
            },
            {
              _id: 'dormant',
              _description: 'Not seen in 30 days',
              ...blank,
              active: '== 0',
              tag: '"dormant_30d"',
            },
            {
              _id: 'auto-investor',
              _description: 'Auto-invest is on',
              ...blank,
              auto: 'true',
              tag: '"auto_investor"',
            },
            {
              _id: 'high-assets',
              _description: 'Assets of 1,000,000.00 or more',
              ...blank,
              aum: '>= 100000000',
              tag: '"high_assets"',
            },
          ],
        },
      },
      { id: 'out', type: 'outputNode', name: 'Tags', position: { x: 640, y: 200 } },
    ],
    edges: [
      { id: 'e1', sourceId: 'facts', targetId: 'tags' },
      { id: 'e2', sourceId: 'tags', targetId: 'out' },
    ],
  };
}

export function parseRuleDocument(content: unknown): RuleDocument {
  const doc = content as RuleDocument | null;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.nodes) || !Array.isArray(doc.edges))
    throw invalid('tag_rules_malformed', 'a tag rule set is a JDM document with nodes and edges');
  for (const node of doc.nodes)
    if (!node || typeof node !== 'object' || typeof node.id !== 'string' || typeof node.type !== 'string')
      throw invalid('tag_rules_malformed', 'every node has an id and a type');
  for (const edge of doc.edges)
    if (
      !edge ||
      typeof edge !== 'object' ||
      typeof edge.sourceId !== 'string' ||
      typeof edge.targetId !== 'string'
    )
      throw invalid('tag_rules_malformed', 'every edge has a sourceId and a targetId');
  if (doc.nodes.filter((n) => n.type === 'inputNode').length !== 1)
    throw invalid('tag_rules_malformed', 'a rule set has exactly one input node');
  if (doc.nodes.some((n) => n.type === 'customNode' || n.type === 'functionNode'))
    throw invalid('tag_rules_malformed', 'tag rules are decision tables and expressions, never code');
  return doc;
}

interface Row {
  id: string;
  version: number;
  content: RuleDocument;
  description: string | null;
  created_by: string;
  created_at: Date;
}
const toRuleSet = (r: Row): TagRuleSet => ({
  id: r.id,
  version: Number(r.version),
  content: r.content,
  description: r.description,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const SAMPLE: TagFacts = {
  investedTotal: 0,
  invested90d: 0,
  investments90d: 0,
  aum: 0,
  contribution: 0,
  loans: 0,
  currentDpd: 0,
  worstDpd: 0,
  latePeriods: 0,
  payments90d: 0,
  activeDays30d: 0,
  riskLevel: 0,
  autoInvest: false,
  channel: 'organic',
  ageBand: 'unknown',
};

export class TagRules {
  private readonly engine = new ZenEngine();
  private readonly compiled = new Map<string, ReturnType<ZenEngine['createDecision']>>();

  constructor(private readonly context: CrmContext) {}

  async list(): Promise<TagRuleSet[]> {
    const rows = await sql<Row>`select * from crm_tag_rule_sets order by version desc`.execute(
      this.context.readDb,
    );
    return rows.rows.map(toRuleSet);
  }

  /** The version in force (the newest), or the default rules as version 0 before any is saved. */
  async inForce(db: Executor = this.context.db): Promise<TagRuleSet> {
    const rows = await sql<Row>`select * from crm_tag_rule_sets order by version desc limit 1`.execute(db);
    if (rows.rows[0]) return toRuleSet(rows.rows[0]);
    return {
      id: '00000000-0000-0000-0000-000000000000',
      version: 0,
      content: defaultTagRules(),
      description: 'netfin default',
      createdBy: 'netfin',
      createdAt: new Date(0),
    };
  }

  /** Saves a new version, in force at the next close; it must compile and run on a sample customer. */
  async save(
    input: { content: unknown; description?: string | undefined },
    audit: AuditContext,
  ): Promise<TagRuleSet> {
    const content = parseRuleDocument(input.content);
    try {
      await this.engine.createDecision(content as never).evaluate(SAMPLE as never);
    } catch (error) {
      throw invalid('tag_rules_malformed', `the rules do not evaluate: ${String(error).slice(0, 300)}`);
    }
    const id = uuidv7();
    await inTransaction(this.context.db, async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('crm-tag-rule-sets'))`.execute(trx);
      const next = await sql<{ v: number }>`
        select coalesce(max(version), 0) + 1 as v from crm_tag_rule_sets`.execute(trx);
      const version = Number(next.rows[0]!.v);
      await sql`
        insert into crm_tag_rule_sets (id, version, content, description, created_by, created_at)
        values (${id}, ${version}, ${JSON.stringify(content)}::jsonb, ${input.description ?? null},
                ${actorId(audit.principal)}, ${this.context.clock.now()})`.execute(trx);
      await this.context.identity.audit(
        audit,
        { action: 'crm.tag_rules_saved', subjectType: 'crm_tag_rule_set', subjectId: id, after: { version } },
        trx,
      );
    });
    const rows = await sql<Row>`select * from crm_tag_rule_sets where id = ${id}::uuid`.execute(
      this.context.db,
    );
    return toRuleSet(rows.rows[0]!);
  }

  /** The tags the rule set gives a customer, sorted, each once. */
  async evaluate(ruleSet: TagRuleSet, facts: TagFacts): Promise<string[]> {
    let decision = this.compiled.get(`${ruleSet.id}:${ruleSet.version}`);
    if (!decision) {
      decision = this.engine.createDecision(ruleSet.content as never);
      this.compiled.set(`${ruleSet.id}:${ruleSet.version}`, decision);
    }
    const response = await decision.evaluate(facts as never);
    const result = response.result as unknown;
    const rows = Array.isArray(result) ? result : result && typeof result === 'object' ? [result] : [];
    const tags = new Set<string>();
    for (const r of rows)
      if (r && typeof r === 'object' && typeof (r as { tag?: unknown }).tag === 'string') {
        const tag = (r as { tag: string }).tag;
        if (TAG.test(tag)) tags.add(tag);
      }
    return [...tags].sort();
  }
}

interface StaffRow {
  id: string;
  user_id: string;
  tag: string;
  added_by: string;
  added_at: Date;
  removed_by: string | null;
  removed_at: Date | null;
}
const toStaffTag = (r: StaffRow): StaffTag => ({
  id: r.id,
  userId: r.user_id,
  tag: r.tag,
  addedBy: r.added_by,
  addedAt: r.added_at,
  removedBy: r.removed_by,
  removedAt: r.removed_at,
});

/** Staff tags of a customer, live first then removed, newest first. */
export async function staffTagsOf(db: Executor, userId: string): Promise<StaffTag[]> {
  const rows = await sql<StaffRow>`
    select * from crm_staff_tags where user_id = ${userId}::uuid
    order by removed_at is not null, added_at desc, id`.execute(db);
  return rows.rows.map(toStaffTag);
}

export async function addStaffTag(
  context: CrmContext,
  userId: string,
  tag: string,
  audit: AuditContext,
): Promise<StaffTag> {
  if (!TAG.test(tag)) throw invalid('tag_malformed', 'a tag is 1-40 of a-z, 0-9, _ and -');
  return inTransaction(context.db, async (trx) => {
    const known = await sql`select 1 from crm_portraits where user_id = ${userId}::uuid`.execute(trx);
    if (known.rows.length === 0) throw notFound('portrait_not_found', 'no portrait of this customer yet');
    const id = uuidv7();
    const inserted = await sql`
      insert into crm_staff_tags (id, user_id, tag, added_by, added_at)
      values (${id}, ${userId}::uuid, ${tag}, ${actorId(audit.principal)}, ${context.clock.now()})
      on conflict (user_id, tag) where removed_at is null do nothing`.execute(trx);
    if (inserted.numAffectedRows !== 1n) throw conflict('tag_already_set', `the customer already has ${tag}`);
    await context.identity.audit(
      audit,
      { action: 'crm.tag_added', subjectType: 'user', subjectId: userId, after: { tag } },
      trx,
    );
    const rows = await sql<StaffRow>`select * from crm_staff_tags where id = ${id}::uuid`.execute(trx);
    return toStaffTag(rows.rows[0]!);
  });
}

export async function removeStaffTag(
  context: CrmContext,
  userId: string,
  tag: string,
  audit: AuditContext,
): Promise<StaffTag> {
  if (!TAG.test(tag)) throw invalid('tag_malformed', 'a tag is 1-40 of a-z, 0-9, _ and -');
  return inTransaction(context.db, async (trx) => {
    const rows = await sql<StaffRow>`
      update crm_staff_tags set removed_by = ${actorId(audit.principal)}, removed_at = ${context.clock.now()}
      where user_id = ${userId}::uuid and tag = ${tag} and removed_at is null returning *`.execute(trx);
    if (!rows.rows[0]) throw notFound('tag_not_found', `the customer has no staff tag ${tag}`);
    await context.identity.audit(
      audit,
      { action: 'crm.tag_removed', subjectType: 'user', subjectId: userId, before: { tag } },
      trx,
    );
    return toStaffTag(rows.rows[0]);
  });
}
