import { sql } from 'kysely';
import type { BatchStep } from '../batch/index.ts';
import { inTransaction } from '../db/index.ts';
import {
  type AuditContext,
  actorId,
  customerRanges,
  liveSessionsOf,
  type RiskClassChange,
  riskClassHistory,
  staffNames,
} from '../identity/index.ts';
import { notFound, type PlainDate } from '../kernel/index.ts';
import {
  assignManager,
  type ClassChange,
  type ClassSummary,
  type CustomerClass,
  classHistory,
  classify,
  classSummary,
  type ManagerAssignment,
  managerOf,
  unmanagedA,
} from './classes.ts';
import type { CrmContext } from './context.ts';
import { listPortraits, type PortraitFilter, readPortrait, type StoredPortrait } from './portraits.ts';
import { buildPortraits, computePortraits, type PortraitRow } from './portraits-compute.ts';
import { chunkCustomers, planPortraits } from './portraits-incremental.ts';
import {
  type AumBand,
  type ClassRules,
  checkBands,
  checkRules,
  readBands,
  readRules,
  writeSetting,
} from './settings.ts';
import {
  addStaffTag,
  removeStaffTag,
  type StaffTag,
  staffTagsOf,
  type TagRuleSet,
  TagRules,
} from './tags.ts';

export const PORTRAITS_STEP_POSITION = 980;
export const CLASSES_STEP_POSITION = 981;
/** Customers per chunk of the portraits step. */
export const PORTRAIT_CHUNK = 2000;

export interface PortraitView extends StoredPortrait {
  readonly live: { readonly lastSeenAt: Date | null; readonly openSessions: number };
  readonly riskHistory: RiskClassChange[];
  readonly classHistory: ClassChange[];
  readonly staffTagHistory: StaffTag[];
  readonly manager: ManagerAssignment | null;
  /** The names of the staff the tags' history and the manager name, by user id. */
  readonly staffNames: Readonly<Record<string, string>>;
}

/** CRM (issue 20): portraits, tags and ABC classes, recomputed by the day-close. See docs/crm.md. */
export class Crm {
  readonly tagRules: TagRules;

  constructor(private readonly context: CrmContext) {
    this.tagRules = new TagRules(context);
  }

  daySteps(): BatchStep[] {
    return [
      {
        name: 'crm.portraits',
        owner: 'crm',
        position: PORTRAITS_STEP_POSITION,
        description:
          "CRM portraits: each customer's investing, assets, borrowing, payments, contribution and rule tags as of the date, recomputed for the customers whose portrait can have changed, in ranges",
        plan: (db, date) => planPortraits(db, this.tagRules, date, PORTRAIT_CHUNK),
        run: async (trx, date, bounds) =>
          computePortraits(this.context, this.tagRules, trx, date, await chunkCustomers(trx, date, bounds)),
      },
      {
        name: 'crm.classes',
        owner: 'crm',
        position: CLASSES_STEP_POSITION,
        description:
          'CRM ABC classes: every customer classed on the portraits of the date, each change with its reason',
        run: (trx, date) => classify(this.context, trx, date),
      },
    ];
  }

  /**
   * Every customer's portrait as of the date, computed afresh and written nowhere: what a full
   * recompute of the date would store (the stored portraits must equal it but for as_of and computed_at).
   */
  async fullRecompute(date: PlainDate): Promise<PortraitRow[]> {
    const rows: PortraitRow[] = [];
    for (const range of await customerRanges(this.context.db, PORTRAIT_CHUNK))
      rows.push(...(await buildPortraits(this.tagRules, this.context.db, date, range)).rows);
    return rows;
  }

  /** Makes the next close recompute every portrait (as a change of the basis would). */
  async recomputeAllAtNextClose(): Promise<void> {
    await sql`delete from crm_portrait_basis`.execute(this.context.db);
  }

  /** A customer's portrait as of the last close, with the live last-seen and the histories. */
  async portrait(userId: string): Promise<PortraitView> {
    const db = this.context.db;
    const stored = await readPortrait(db, userId);
    if (!stored)
      throw notFound('portrait_not_found', 'no portrait of this customer yet (it is made at the day-close)');
    const [live, riskHistory, classes, staffTagHistory, manager] = await Promise.all([
      liveSessionsOf(db, userId, this.context.clock.now()),
      riskClassHistory(db, userId),
      classHistory(db, userId),
      staffTagsOf(db, userId),
      managerOf(db, userId),
    ]);
    const staff = new Set<string>(manager ? [manager.managerId] : []);
    for (const t of staffTagHistory) for (const id of [t.addedBy, t.removedBy]) if (id) staff.add(id);
    const names = Object.fromEntries(await staffNames(db, [...staff]));
    return {
      ...stored,
      live,
      riskHistory,
      classHistory: classes,
      staffTagHistory,
      manager,
      staffNames: names,
    };
  }

  portraits(filter: PortraitFilter): Promise<StoredPortrait[]> {
    return listPortraits(this.context.readDb, filter);
  }

  /** A customer's class as of the last close (null before their first classing), for the inbox's priority. */
  async classOf(userId: string): Promise<CustomerClass | null> {
    const rows = await sql<{ class: CustomerClass | null }>`
      select class from crm_portraits where user_id = ${userId}::uuid`.execute(this.context.db);
    return rows.rows[0]?.class ?? null;
  }

  async classHistory(userId: string): Promise<ClassChange[]> {
    return classHistory(this.context.db, userId);
  }

  classSummary(): Promise<ClassSummary> {
    return classSummary(this.context.readDb);
  }

  addTag(userId: string, tag: string, audit: AuditContext): Promise<StaffTag> {
    return addStaffTag(this.context, userId, tag, audit);
  }

  removeTag(userId: string, tag: string, audit: AuditContext): Promise<StaffTag> {
    return removeStaffTag(this.context, userId, tag, audit);
  }

  tagRuleSets(): Promise<TagRuleSet[]> {
    return this.tagRules.list();
  }

  tagRulesInForce(): Promise<TagRuleSet> {
    return this.tagRules.inForce();
  }

  saveTagRules(input: { content: unknown; description?: string | undefined }, audit: AuditContext) {
    return this.tagRules.save(input, audit);
  }

  assignManager(userId: string, managerId: string, audit: AuditContext): Promise<ManagerAssignment> {
    return assignManager(this.context, userId, managerId, audit);
  }

  unmanagedA(after: string | null, limit: number): Promise<string[]> {
    return unmanagedA(this.context.db, after, limit);
  }

  async settings(): Promise<{ aumBands: AumBand[]; classRules: ClassRules }> {
    const [aumBands, classRules] = await Promise.all([
      readBands(this.context.db),
      readRules(this.context.db),
    ]);
    return { aumBands, classRules };
  }

  async setAumBands(bands: readonly AumBand[], audit: AuditContext): Promise<AumBand[]> {
    const checked = checkBands(bands);
    await this.writeSetting('aum_bands', checked, audit);
    return checked;
  }

  async setClassRules(rules: ClassRules, audit: AuditContext): Promise<ClassRules> {
    const checked = checkRules(rules);
    await this.writeSetting('class_rules', checked, audit);
    return checked;
  }

  private async writeSetting(key: 'aum_bands' | 'class_rules', value: unknown, audit: AuditContext) {
    await inTransaction(this.context.db, async (trx) => {
      await writeSetting(trx, key, value, actorId(audit.principal), this.context.clock.now());
      await this.context.identity.audit(
        audit,
        {
          action: 'crm.settings_changed',
          subjectType: 'crm_settings',
          subjectId: key,
          after: JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))),
        },
        trx,
      );
    });
  }

  /** The business date of the portraits (the last close that computed them), or null. */
  async asOf(): Promise<PlainDate | null> {
    return (await this.classSummary()).asOf;
  }
}
