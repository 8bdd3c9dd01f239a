import { sql } from 'kysely';
import type { BatchStep } from '../../batch/index.ts';
import { type Executor, inTransaction } from '../../db/index.ts';
import {
  type AuditContext,
  ageOn,
  allows,
  customerIdentities,
  isRole,
  maskName,
} from '../../identity/index.ts';
import {
  BUSINESS_TIME_ZONE,
  CNY,
  dateInZone,
  daysBetween,
  formatAmount,
  type PlainDate,
  ruleViolation,
  uuidv7,
} from '../../kernel/index.ts';
import { outstandingPrincipalOf } from '../../lending/index.ts';
import { activeCustomerCount, type CustomerPart, walletAccountId } from '../../payments/index.ts';
import { declaredIncomes } from '../../risk/index.ts';
import type { ComplianceDeps } from '../deps.ts';
import { type AmlCase, type CaseDecision, type CaseStatus, Cases } from './cases.ts';
import { defaultRules, RULE_CODES, type RuleCode } from './default-rules.ts';
import { gatherFacts } from './facts.ts';
import { reportCsv, reportPdf } from './report.ts';
import { type RuleSet, RuleSetStore } from './rule-sets.ts';
import { type Fired, type OpenedAlert, openAlerts, openOrJoinCase } from './scan.ts';

const CUSTOMERS_PER_CHUNK = 5_000;
const MAX_CHUNKS = 256;

export interface ScanResult {
  readonly businessDate: PlainDate;
  readonly ruleSetVersion: number;
  readonly customers: number;
  readonly opened: readonly OpenedAlert[];
}

/**
 * Anti-money-laundering: rules as versioned ZEN decision tables, a day-close scan that opens alerts,
 * cases worked by compliance officers with dual control for a report, and the report's export.
 */
export class Aml {
  readonly rules: RuleSetStore;
  readonly cases: Cases;
  private seeded = false;

  constructor(private readonly deps: ComplianceDeps) {
    this.rules = new RuleSetStore(deps.db, deps.clock, deps.identity);
    this.cases = new Cases(deps.db, deps.clock, deps.identity);
  }

  /** The shipped rule set is published as version 1 the first time AML is used. */
  async ensureSeeded(db: Executor = this.deps.db): Promise<void> {
    if (this.seeded) return;
    await this.rules.seed(defaultRules(), db);
    // Seeded in a transaction that may yet roll back: look again next time.
    if (!db.isTransaction) this.seeded = true;
  }

  async ruleSets(): Promise<RuleSet[]> {
    await this.ensureSeeded();
    return this.rules.list();
  }

  async createRuleSet(input: { content?: unknown; description?: string | undefined }, context: AuditContext) {
    await this.ensureSeeded();
    return this.rules.createDraft(input, context);
  }

  /**
   * Scans one business date: gathers every active customer's facts, evaluates the rules in force,
   * and opens alerts (joining or opening cases), all in the given transaction or a new one.
   */
  async scan(date: PlainDate, db?: Executor, part: CustomerPart = { index: 0, of: 1 }): Promise<ScanResult> {
    const run = async (trx: Executor): Promise<ScanResult> => {
      // Inside the caller's transaction: day-close holds one, and PGlite has a single connection.
      await this.ensureSeeded(trx);
      // One scan of a date at a time: two at once would both find no alert and race to open cases.
      await sql`select pg_advisory_xact_lock(hashtext(${`aml-scan:${date}:${part.index}/${part.of}`}))`.execute(
        trx,
      );
      const ruleSet = await this.rules.inForce(trx);
      const now = this.deps.clock.now();
      const customers = await gatherFacts(trx, date, (ids) => this.createdAt(trx, ids), now, part);
      const fired: Fired[] = [];
      for (const facts of customers)
        for (const output of await this.rules.evaluate(ruleSet, facts.input)) {
          const rule = String(output.rule);
          if ((RULE_CODES as readonly string[]).includes(rule))
            fired.push({ facts, rule: rule as RuleCode, output });
        }
      const opened = await openAlerts(trx, ruleSet, date, fired, now, (ids) =>
        this.portraits(trx, ids, date),
      );
      return { businessDate: date, ruleSetVersion: ruleSet.version, customers: customers.length, opened };
    };
    return db ? run(db) : inTransaction(this.deps.db, run);
  }

  /** A scan asked for by an officer (catch-up, tests): audited. */
  async scanOnDemand(date: PlainDate, context: AuditContext): Promise<ScanResult> {
    if (date > this.deps.clock.businessDate())
      throw ruleViolation('date_in_future', 'a business date not yet open cannot be scanned');
    const result = await this.scan(date);
    await this.deps.identity.audit(context, {
      action: 'aml.scanned',
      subjectType: 'aml_scan',
      subjectId: date,
      details: { ruleSetVersion: result.ruleSetVersion, opened: result.opened.length },
    });
    return result;
  }

  private async createdAt(db: Executor, userIds: readonly string[]): Promise<Map<string, Date>> {
    const identities = await customerIdentities(db, this.deps.identity.vault, userIds);
    return new Map([...identities].map(([id, c]) => [id, c.createdAt]));
  }

  /** The customer as an officer first sees them: masked, with their money and debts. */
  private async portraits(db: Executor, userIds: readonly string[], date: PlainDate) {
    const [identities, incomes, loans, wallets] = await Promise.all([
      customerIdentities(db, this.deps.identity.vault, userIds),
      declaredIncomes(db, userIds),
      outstandingPrincipalOf(db, userIds),
      this.deps.ledger.lookupAccounts(userIds.map(walletAccountId), { tx: db }),
    ]);
    const balance = new Map(wallets.map((a) => [a.id, a.creditsPosted - a.debitsPosted]));
    const portraits = new Map<string, Record<string, unknown>>();
    for (const userId of userIds) {
      const who = identities.get(userId);
      const age = who?.birthDate ? ageOn(who.birthDate, date) : null;
      portraits.set(userId, {
        maskedName: who?.realName ? maskName(who.realName) : null,
        ageBand: age === null ? null : `${Math.floor(age / 10) * 10}-${Math.floor(age / 10) * 10 + 9}`,
        regionCode: who?.regionCode ?? null,
        kycLevel: who?.kycLevel ?? 0,
        // At least 0: an account opened after the business date scanned (a catch-up scan of an old
        // date, or demo data written for past dates) is new, not of negative age.
        accountAgeDays: who
          ? Math.max(0, daysBetween(dateInZone(who.createdAt, BUSINESS_TIME_ZONE), date))
          : null,
        declaredMonthlyIncome: incomes.has(userId) ? formatAmount(incomes.get(userId)!, CNY) : null,
        walletBalance: formatAmount(balance.get(walletAccountId(userId)) ?? 0n, CNY),
        loansOutstanding: formatAmount(loans.get(userId) ?? 0n, CNY),
      });
    }
    return portraits;
  }

  listCases(filter: { status?: CaseStatus | undefined; limit: number }) {
    return this.cases.list(filter);
  }

  async caseDetail(caseId: string) {
    const amlCase = await this.cases.get(caseId);
    const [alerts, notes] = await Promise.all([
      this.cases.alerts({ caseId, limit: 500 }),
      this.cases.notes(caseId),
    ]);
    return { amlCase, alerts, notes };
  }

  async assign(caseId: string, assignee: string, context: AuditContext): Promise<AmlCase> {
    const user = await this.deps.identity.users.get(assignee);
    const roles = (user?.roles ?? []).filter(isRole);
    if (!user || !allows(roles, 'aml:work'))
      throw ruleViolation('assignee_not_officer', 'cases are assigned to compliance officers');
    return this.cases.assign(caseId, assignee, context);
  }

  decide(caseId: string, input: { decision: CaseDecision; reason: string }, context: AuditContext) {
    return this.cases.decide(caseId, input, context);
  }

  approveReport(caseId: string, context: AuditContext) {
    return this.cases.approveReport(caseId, context);
  }

  /**
   * A watch-list match an officer confirmed becomes an alert in the customer's case (opened or
   * joined), in the transaction of the decision, so that it can be reported like any other.
   */
  async alertFromWatchList(
    trx: Executor,
    match: {
      readonly matchId: string;
      readonly customerId: string;
      readonly score: string;
      readonly list: string;
      readonly entryName: string;
      readonly reason: string;
    },
  ): Promise<string> {
    const date = this.deps.clock.businessDate();
    const now = this.deps.clock.now();
    const portrait = (await this.portraits(trx, [match.customerId], date)).get(match.customerId) ?? {};
    const caseId = await openOrJoinCase(trx, match.customerId, portrait, now);
    await sql`
      insert into aml_alerts (id, rule_code, rule_set_id, rule_set_version, customer_id, business_date, window_key,
                              facts, evidence, case_id, created_at)
      values (${uuidv7()}, 'watch_list_match', null, null, ${match.customerId}::uuid, ${date}::date, ${match.matchId},
              ${JSON.stringify({ score: match.score, list: match.list })}::jsonb,
              ${JSON.stringify({ watchListMatch: match.matchId, listedName: match.entryName, confirmation: match.reason })}::jsonb,
              ${caseId}::uuid, ${now})
      on conflict (rule_code, customer_id, window_key) do nothing`.execute(trx);
    return caseId;
  }

  rejectReport(caseId: string, reason: string, context: AuditContext) {
    return this.cases.rejectReport(caseId, reason, context);
  }

  /** The report's data; reading it is audited (it carries the customer's identity in clear). */
  private async reportInput(caseId: string, format: 'csv' | 'pdf', context: AuditContext) {
    const { amlCase, alerts } = await this.caseDetail(caseId);
    if (amlCase.status !== 'reported' && !amlCase.reportProposedBy)
      throw ruleViolation('report_not_proposed', 'a report exists once it is proposed');
    const customer =
      (await customerIdentities(this.deps.db, this.deps.identity.vault, [amlCase.customerId])).get(
        amlCase.customerId,
      ) ?? null;
    await this.deps.identity.audit(context, {
      action: 'aml.report_exported',
      subjectType: 'aml_case',
      subjectId: caseId,
      details: { format, status: amlCase.status },
    });
    return { amlCase, alerts, customer, generatedAt: this.deps.clock.now() };
  }

  async reportCsv(caseId: string, context: AuditContext): Promise<string> {
    return reportCsv(await this.reportInput(caseId, 'csv', context));
  }

  async reportPdf(caseId: string, context: AuditContext): Promise<Uint8Array> {
    return reportPdf(await this.reportInput(caseId, 'pdf', context));
  }

  /**
   * The scan runs late in day-close, after payments, lending and credit have dated the day's
   * movements and before the audit chain's head is recorded (950), so the alerts' audit is in it.
   * The customers active on the date are split into parts of about CUSTOMERS_PER_CHUNK by a hash of
   * their id, one chunk each; a chunk reads its customers' 30 days of movements set-based.
   */
  daySteps(): BatchStep[] {
    return [
      {
        name: 'compliance.aml-scan',
        owner: 'compliance',
        position: 920,
        description: 'Evaluate the anti-money-laundering rules in force and open alerts',
        plan: async (db, date) => {
          const of = Math.min(
            MAX_CHUNKS,
            Math.max(1, Math.ceil((await activeCustomerCount(db, date)) / CUSTOMERS_PER_CHUNK)),
          );
          return Array.from({ length: of }, (_, index) => ({ index, of }));
        },
        run: async (trx, date, bounds) => {
          const part = { index: Number(bounds.index ?? 0), of: Number(bounds.of ?? 1) };
          return (await this.scan(date, trx, part)).opened.length;
        },
      },
    ];
  }
}
