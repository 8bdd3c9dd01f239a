import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext, Identity } from '../identity/index.ts';
import { actorId } from '../identity/index.ts';
import { type Clock, notFound, uuidv7 } from '../kernel/index.ts';
import { RefreshingCache } from './refreshing-cache.ts';
import { parseModel, type ScorecardModel } from './scorecard/index.ts';

/** Scorecard models as numbered versions of a name; a decision records the version it used. */
export interface StoredModel {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly model: ScorecardModel;
  readonly metrics: unknown;
  readonly createdAt: Date;
}

export class ModelStore {
  private readonly byId = new Map<string, StoredModel>();
  /** Each name's newest version id, read at most every two seconds. */
  private readonly latestCache: RefreshingCache<string, string>;

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly identity: Identity,
    /** The cache's clock in milliseconds (tests move it). */
    now: () => number = Date.now,
  ) {
    this.latestCache = new RefreshingCache(2000, now);
  }

  /** Models being read: callers asking for one meanwhile share the read. */
  private readonly reading = new Map<string, Promise<StoredModel>>();

  /** Models never change once stored, so each is read once per process (a failed read is not kept). */
  get(id: string): Promise<StoredModel> {
    const known = this.byId.get(id);
    if (known) return Promise.resolve(known);
    const pending = this.reading.get(id);
    if (pending) return pending;
    const reading = this.read(id).finally(() => this.reading.delete(id));
    this.reading.set(id, reading);
    return reading;
  }

  private async read(id: string): Promise<StoredModel> {
    const rows = await sql<{
      id: string;
      name: string;
      version: number;
      model: unknown;
      metrics: unknown;
      created_at: Date;
    }>`
      select id, name, version, model, metrics, created_at from risk_models where id = ${id}::uuid`.execute(
      this.db,
    );
    const row = rows.rows[0];
    if (!row) throw notFound('model_not_found', 'no such scorecard model');
    const stored = {
      id: row.id,
      name: row.name,
      version: row.version,
      model: parseModel(row.model),
      metrics: row.metrics,
      createdAt: row.created_at,
    };
    this.byId.set(id, stored);
    return stored;
  }

  /** The newest version of a model name (cached for two seconds per process). */
  async latest(name: string): Promise<StoredModel> {
    const id = await this.latestCache.get(name, async () => {
      const rows = await sql<{
        id: string;
      }>`select id from risk_models where name = ${name} order by version desc limit 1`.execute(this.db);
      if (!rows.rows[0]) throw notFound('model_not_found', `no scorecard model named ${name}`);
      return rows.rows[0].id;
    });
    return this.get(id);
  }

  async list(): Promise<{ id: string; name: string; version: number; metrics: unknown; createdAt: Date }[]> {
    const rows = await sql<{ id: string; name: string; version: number; metrics: unknown; created_at: Date }>`
      select id, name, version, metrics, created_at from risk_models order by name, version desc`.execute(
      this.db,
    );
    return rows.rows.map((r) => ({
      id: r.id,
      name: r.name,
      version: r.version,
      metrics: r.metrics,
      createdAt: r.created_at,
    }));
  }

  /** Stores a trained model as the next version of its name. */
  async add(
    name: string,
    model: unknown,
    metrics: unknown,
    context: AuditContext | null,
  ): Promise<StoredModel> {
    const parsed = parseModel(model);
    const id = uuidv7();
    await inTransaction(this.db, async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`risk-model:${name}`}))`.execute(trx);
      await sql`
        insert into risk_models (id, name, version, model, metrics, created_by, created_at)
        select ${id}, ${name}, coalesce(max(version), 0) + 1, ${JSON.stringify(parsed)}::jsonb, ${JSON.stringify(metrics ?? null)}::jsonb,
               ${context ? actorId(context.principal) : 'system'}, ${this.clock.now()}
        from risk_models where name = ${name}`.execute(trx);
      if (context)
        await this.identity.audit(
          context,
          { action: 'risk.model_added', subjectType: 'risk_model', subjectId: id, after: { name } },
          trx,
        );
    });
    this.latestCache.delete(name);
    return this.get(id);
  }

  async seed(name: string, model: unknown, metrics: unknown): Promise<void> {
    const exists = await sql`select 1 from risk_models where name = ${name} limit 1`.execute(this.db);
    if (exists.rows.length === 0) await this.add(name, model, metrics, null);
  }
}
