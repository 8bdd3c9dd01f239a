import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext, Identity } from '../identity/index.ts';
import { actorId } from '../identity/index.ts';
import { type Clock, conflict, invalid, notFound, uuidv7 } from '../kernel/index.ts';
import {
  checkCompiles,
  checkExpressions,
  checkStructure,
  type GraphDocument,
  parseGraph,
} from './graph-validation.ts';
import { RefreshingCache } from './refreshing-cache.ts';

/**
 * Decision graphs as versions: a draft can be edited; publishing validates it (naming the node at
 * fault) and freezes it; a newer published version of the same name becomes the champion at once,
 * in every process (they look it up, caching it for at most a few seconds); retiring takes a version
 * out of service. Published and retired versions never change.
 */
export type GraphStatus = 'draft' | 'published' | 'retired';

export interface GraphVersion {
  id: string;
  name: string;
  version: number;
  status: GraphStatus;
  content: GraphDocument;
  description: string | null;
  createdBy: string;
  createdAt: Date;
  publishedBy: string | null;
  publishedAt: Date | null;
  retiredAt: Date | null;
}

interface Row {
  id: string;
  name: string;
  version: number;
  status: GraphStatus;
  content: GraphDocument;
  description: string | null;
  created_by: string;
  created_at: Date;
  published_by: string | null;
  published_at: Date | null;
  retired_at: Date | null;
}

const toVersion = (r: Row): GraphVersion => ({
  id: r.id,
  name: r.name,
  version: r.version,
  status: r.status,
  content: r.content,
  description: r.description,
  createdBy: r.created_by,
  createdAt: r.created_at,
  publishedBy: r.published_by,
  publishedAt: r.published_at,
  retiredAt: r.retired_at,
});

const NAME = /^[a-z][a-z0-9-]{1,40}$/;

export class GraphStore {
  /** Each name's champion version id, read at most every two seconds. */
  private readonly championCache: RefreshingCache<string, string>;

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly identity: Identity,
    /** Evaluates a graph on sample applications and checks its outputs; throws an error naming the problem. */
    private readonly sampleCheck: (graph: GraphDocument) => Promise<void>,
    /** The champion cache's clock in milliseconds (tests move it). */
    now: () => number = Date.now,
  ) {
    this.championCache = new RefreshingCache(2000, now);
  }

  async get(id: string, db: Executor = this.db): Promise<GraphVersion> {
    const rows = await sql<Row>`select * from risk_graphs where id = ${id}::uuid`.execute(db);
    if (!rows.rows[0]) throw notFound('graph_not_found', 'no such decision graph version');
    return toVersion(rows.rows[0]);
  }

  async list(name?: string): Promise<Omit<GraphVersion, 'content'>[]> {
    const rows = await sql<Row>`
      select * from risk_graphs where ${name === undefined ? sql`true` : sql`name = ${name}`} order by name, version desc`.execute(
      this.db,
    );
    return rows.rows.map((r) => {
      const { content: _content, ...rest } = toVersion(r);
      return rest;
    });
  }

  /** A new draft version: the next number for its name. */
  async createDraft(
    input: { name: string; content: unknown; description?: string | undefined },
    context: AuditContext,
  ): Promise<GraphVersion> {
    if (!NAME.test(input.name))
      throw invalid('graph_name_malformed', 'a graph name is 2-41 lower-case letters, digits and dashes');
    const content = parseGraph(input.content);
    const id = uuidv7();
    await inTransaction(this.db, async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`risk-graph:${input.name}`}))`.execute(trx);
      const next = await sql<{
        v: number;
      }>`select coalesce(max(version), 0) + 1 as v from risk_graphs where name = ${input.name}`.execute(trx);
      await sql`
        insert into risk_graphs (id, name, version, status, content, description, created_by, created_at)
        values (${id}, ${input.name}, ${next.rows[0]!.v}, 'draft', ${JSON.stringify(content)}::jsonb, ${input.description ?? null},
                ${actorId(context.principal)}, ${this.clock.now()})`.execute(trx);
      await this.identity.audit(
        context,
        {
          action: 'risk.graph_drafted',
          subjectType: 'risk_graph',
          subjectId: id,
          after: { name: input.name, version: next.rows[0]!.v },
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
  ): Promise<GraphVersion> {
    const content = parseGraph(input.content);
    await inTransaction(this.db, async (trx) => {
      const current = await this.get(id, trx);
      if (current.status !== 'draft')
        throw conflict(
          'graph_not_draft',
          `version ${current.version} is ${current.status} and cannot change`,
        );
      await sql`update risk_graphs set content = ${JSON.stringify(content)}::jsonb, description = coalesce(${input.description ?? null}, description)
                where id = ${id}::uuid and status = 'draft'`.execute(trx);
      await this.identity.audit(
        context,
        {
          action: 'risk.graph_edited',
          subjectType: 'risk_graph',
          subjectId: id,
          details: { checksum: checksum(content) },
        },
        trx,
      );
    });
    return this.get(id);
  }

  /** Validates everything, then publishes: the version becomes the champion of its name. */
  async publish(id: string, context: AuditContext): Promise<GraphVersion> {
    const draft = await this.get(id);
    if (draft.status !== 'draft')
      throw conflict('graph_not_draft', `version ${draft.version} is already ${draft.status}`);
    const graph = parseGraph(draft.content);
    checkStructure(graph);
    checkExpressions(graph);
    checkCompiles(graph);
    await this.sampleCheck(graph);
    await inTransaction(this.db, async (trx) => {
      const updated =
        await sql`update risk_graphs set status = 'published', published_by = ${actorId(context.principal)}, published_at = ${this.clock.now()}
                                where id = ${id}::uuid and status = 'draft'`.execute(trx);
      if (updated.numAffectedRows !== 1n)
        throw conflict('graph_not_draft', 'this version was published or retired meanwhile');
      await this.identity.audit(
        context,
        {
          action: 'risk.graph_published',
          subjectType: 'risk_graph',
          subjectId: id,
          after: { name: draft.name, version: draft.version, checksum: checksum(graph) },
        },
        trx,
      );
    });
    this.championCache.delete(draft.name);
    return this.get(id);
  }

  async retire(id: string, context: AuditContext): Promise<GraphVersion> {
    const version = await this.get(id);
    if (version.status === 'retired')
      throw conflict('graph_already_retired', 'this version is already retired');
    await inTransaction(this.db, async (trx) => {
      await sql`update risk_graphs set status = 'retired', retired_at = ${this.clock.now()} where id = ${id}::uuid`.execute(
        trx,
      );
      await this.identity.audit(
        context,
        {
          action: 'risk.graph_retired',
          subjectType: 'risk_graph',
          subjectId: id,
          before: { status: version.status },
        },
        trx,
      );
    });
    this.championCache.delete(version.name);
    return this.get(id);
  }

  /** The newest published version of a name: the champion. Cached for two seconds per process
   * (when that has passed, one read refreshes it while the other callers get the version known). */
  async champion(name: string): Promise<GraphVersion> {
    const id = await this.championCache.get(name, async () => {
      const rows = await sql<{ id: string }>`
        select id from risk_graphs where name = ${name} and status = 'published' order by version desc limit 1`.execute(
        this.db,
      );
      if (!rows.rows[0]) throw notFound('no_published_graph', `no published version of ${name}`);
      return rows.rows[0].id;
    });
    return this.getCached(id);
  }

  private immutable = new Map<string, Promise<GraphVersion>>();

  /**
   * Published and retired versions never change, so they can be kept once read. Callers asking for
   * a version while it is being read share that read (a new champion is read once, not by every
   * decision in flight); a failed read, or a draft, is not kept.
   */
  getCached(id: string): Promise<GraphVersion> {
    const known = this.immutable.get(id);
    if (known) return known;
    const reading = this.get(id).then(
      (version) => {
        if (version.status === 'draft' && this.immutable.get(id) === reading) this.immutable.delete(id);
        return version;
      },
      (error: unknown) => {
        if (this.immutable.get(id) === reading) this.immutable.delete(id);
        throw error;
      },
    );
    this.immutable.set(id, reading);
    return reading;
  }

  /** Ships the default graph as version 1 if no version of its name exists. */
  async seed(name: string, content: unknown): Promise<void> {
    const exists = await sql`select 1 from risk_graphs where name = ${name} limit 1`.execute(this.db);
    if (exists.rows.length > 0) return;
    await inTransaction(this.db, async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`risk-graph:${name}`}))`.execute(trx);
      await sql`
        insert into risk_graphs (id, name, version, status, content, description, created_by, created_at, published_by, published_at)
        select ${uuidv7()}, ${name}, 1, 'published', ${JSON.stringify(content)}::jsonb, 'shipped with netfin', 'system', ${this.clock.now()}, 'system', ${this.clock.now()}
        where not exists (select 1 from risk_graphs where name = ${name})`.execute(trx);
    });
  }
}

export function checksum(content: unknown): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16);
}
