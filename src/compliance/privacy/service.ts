import { sql } from 'kysely';
import type { BatchStep } from '../../batch/index.ts';
import { openLinesOf } from '../../credit/index.ts';
import { inTransaction } from '../../db/index.ts';
import { type AuditContext, actorId, identityDataProtection } from '../../identity/index.ts';
import {
  CNY,
  conflict,
  DomainError,
  formatAmount,
  invalid,
  notFound,
  type PlainDate,
  ruleViolation,
  uuidv7,
} from '../../kernel/index.ts';
import { openPositionsOf } from '../../lending/index.ts';
import type { ComplianceDeps } from '../deps.ts';
import {
  ACCEPTED_AT_SIGN_UP,
  bureauConsentSql,
  CONSENT_PURPOSES,
  type ConsentPurpose,
  type ConsentRecord,
  type ConsentSource,
  checkPurpose,
  consentAt,
  consentHistory,
  deleteConsentRecord,
  PURPOSE_NAMES,
  recordConsent,
} from './consents.ts';
import { buildExport, type ExportDocument, exportCsv } from './data-export.ts';
import {
  applyRetention,
  RETENTION_KINDS,
  type RetentionKind,
  type RetentionRule,
  type RetentionRun,
  retentionRules,
  retentionRuns,
} from './retention.ts';

export interface DataExportInfo {
  readonly id: string;
  readonly userId: string;
  readonly requestedBy: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** What a user's application or settings change tells us about where the consent came from. */
export interface ConsentClient {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** Retention, consent records and a user's data export. */
export class Privacy {
  constructor(private readonly deps: ComplianceDeps) {
    // The credit bureau is asked only with the applicant's consent (see bureauAllowed); risk reads
    // the same answer inside its one read per decision (bureauConsentSql).
    deps.risk.checkConsentWith((applicantId, source, at) =>
      source === 'bureau' ? bureauConsentSql(applicantId, at) : sql<boolean>`true`,
    );
    // Signing up accepts the user agreement and the privacy policy: recorded with the account.
    deps.identity.onSignedUp(async (trx, event) => {
      for (const purpose of ACCEPTED_AT_SIGN_UP) {
        await recordConsent(trx, deps.clock, {
          userId: event.userId,
          purpose,
          granted: event.acceptedTerms,
          source: 'sign_up',
          actorId: event.userId,
          ip: event.ip,
          userAgent: event.userAgent,
        });
      }
    });
  }

  // Consents ------------------------------------------------------------------------------------

  /** Whether the user's consent for a purpose was in force at `at` (never recorded: no). */
  async hasConsent(
    userId: string,
    purpose: ConsentPurpose,
    at: Date = this.deps.clock.now(),
  ): Promise<boolean> {
    return (await consentAt(this.deps.db, userId, purpose, at))?.granted === true;
  }

  /**
   * Whether the bureau may be asked about an applicant now. Applying is the moment of authorisation
   * (the application records it), so an applicant with no record at all (an application made below
   * the API, by the demo or a test) is asked as before; a refusal at application or a later
   * withdrawal stops every query until the consent is given again.
   */
  async bureauAllowed(userId: string): Promise<boolean> {
    const latest = await consentAt(this.deps.db, userId, 'credit_bureau', this.deps.clock.now());
    return latest === null || latest.granted;
  }

  /** Each purpose with its text, the record in force, and the user's history (newest first). */
  async consents(userId: string) {
    const history = await consentHistory(this.deps.db, userId);
    return {
      purposes: PURPOSE_NAMES.map((purpose) => {
        const latest = history.find((r) => r.purpose === purpose) ?? null;
        const text = CONSENT_PURPOSES[purpose];
        return {
          purpose,
          granted: latest?.granted ?? false,
          recorded: latest !== null,
          textVersion: text.textVersion,
          text: { zh: text.zh, en: text.en },
          changeable: !ACCEPTED_AT_SIGN_UP.includes(purpose),
          updatedAt: latest?.recordedAt ?? null,
        };
      }),
      history,
    };
  }

  async setConsent(
    userId: string,
    purpose: string,
    granted: boolean,
    client: ConsentClient,
    context: AuditContext,
  ): Promise<ConsentRecord> {
    const checked = checkPurpose(purpose);
    if (ACCEPTED_AT_SIGN_UP.includes(checked))
      throw ruleViolation(
        'consent_accepted_at_sign_up',
        'the user agreement and the privacy policy are accepted at sign-up; to withdraw, close the account',
      );
    const source: ConsentSource = context.principal.userId === userId ? 'settings' : 'staff';
    return recordConsent(this.deps.db, this.deps.clock, {
      userId,
      purpose: checked,
      granted,
      source,
      actorId: actorId(context.principal),
      ip: client.ip,
      userAgent: client.userAgent,
    });
  }

  /**
   * An application for a loan or a line is when the applicant authorises (or refuses) the bureau
   * query: the answer is recorded before the application runs, so that its decision sees it, and
   * removed again if the application is refused before it was made (a 4xx leaves nothing behind).
   */
  async withApplicationConsent<T>(
    userId: string,
    answer: boolean | undefined,
    source: 'loan_application' | 'line_application',
    client: ConsentClient,
    apply: () => Promise<T>,
  ): Promise<T> {
    // No answer means yes, by submitting, unless the applicant has refused or withdrawn the consent
    // before: a silence does not undo an explicit no (only an explicit yes does).
    let granted = answer;
    if (granted === undefined) {
      const standing = await consentAt(this.deps.db, userId, 'credit_bureau', this.deps.clock.now());
      if (standing && !standing.granted) return apply();
      granted = true;
    }
    const record = await recordConsent(this.deps.db, this.deps.clock, {
      userId,
      purpose: 'credit_bureau',
      granted,
      source,
      actorId: userId,
      ip: client.ip,
      userAgent: client.userAgent,
    });
    try {
      return await apply();
    } catch (error) {
      await deleteConsentRecord(this.deps.db, record.id);
      throw error;
    }
  }

  // Data exports --------------------------------------------------------------------------------

  /** Builds a user's export now (their data is small) and keeps it until the data_exports rule removes it. */
  async requestExport(userId: string, context: AuditContext): Promise<DataExportInfo> {
    const { db, clock, identity } = this.deps;
    if (!(await identity.users.get(userId))) throw notFound('user_not_found', 'no such user');
    // An export gathers everything the customer has: one a day on their own request is enough, and
    // keeps a loop of requests from filling the table (staff acting on a request are not limited).
    if (context.principal.userId === userId) {
      const recent = await sql<{ id: string }>`
        select id from privacy_data_exports
        where user_id = ${userId}::uuid and requested_by = ${userId} and created_at > ${new Date(clock.now().getTime() - 86_400_000)}
        order by created_at desc limit 1`.execute(db);
      if (recent.rows[0])
        throw new DomainError(
          'data_export_too_soon',
          'rate_limited',
          'one data export a day: download the last one',
          {
            exportId: recent.rows[0].id,
          },
        );
    }
    const rule = (await retentionRules(db)).find((r) => r.kind === 'data_exports');
    const id = uuidv7();
    const createdAt = clock.now();
    const expiresAt = new Date(createdAt.getTime() + (rule?.afterDays ?? 7) * 86_400_000);
    const requestedBy = actorId(context.principal);
    const document = await buildExport(this.deps, userId, {
      exportId: id,
      createdAt: createdAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
    });
    await inTransaction(db, async (trx) => {
      await sql`
        insert into privacy_data_exports (id, user_id, requested_by, document, created_at, expires_at)
        values (${id}::uuid, ${userId}::uuid, ${requestedBy}, ${JSON.stringify(document)}::jsonb, ${createdAt}, ${expiresAt})`.execute(
        trx,
      );
      // Staff building a customer's export read all of their personal data: that is audited.
      if (context.principal.userId !== userId)
        await identity.audit(
          context,
          {
            action: 'privacy.data_export_built',
            subjectType: 'user',
            subjectId: userId,
            details: { exportId: id },
          },
          trx,
        );
    });
    return { id, userId, requestedBy, createdAt, expiresAt };
  }

  async exportsOf(userId: string): Promise<DataExportInfo[]> {
    const rows = await sql<{
      id: string;
      user_id: string;
      requested_by: string;
      created_at: Date;
      expires_at: Date;
    }>`
      select id, user_id, requested_by, created_at, expires_at from privacy_data_exports
      where user_id = ${userId}::uuid and expires_at > ${this.deps.clock.now()} order by created_at desc limit 50`.execute(
      this.deps.db,
    );
    return rows.rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      requestedBy: r.requested_by,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
    }));
  }

  /** An export's document; `userId` given, only that user's (anything else is "not found"). */
  async exportDocument(id: string, userId?: string): Promise<ExportDocument> {
    const rows = await sql<{ user_id: string; document: ExportDocument; expires_at: Date }>`
      select user_id, document, expires_at from privacy_data_exports where id = ${id}::uuid`.execute(
      this.deps.db,
    );
    const row = rows.rows[0];
    if (!row || (userId !== undefined && row.user_id !== userId) || row.expires_at <= this.deps.clock.now())
      throw notFound('data_export_not_found', 'no such data export (or it has expired)');
    return row.document;
  }

  async exportCsv(id: string, userId?: string): Promise<string> {
    return exportCsv(await this.exportDocument(id, userId));
  }

  // Accounts ------------------------------------------------------------------------------------

  /** Staff close a customer's account: no more sign-ins, and the closed-account retention clock starts. */
  async closeAccount(userId: string, context: AuditContext): Promise<{ closedAt: Date }> {
    const { db, clock, identity } = this.deps;
    const user = await identity.users.get(userId);
    if (!user) throw notFound('user_not_found', 'no such user');
    if (user.is_staff) throw invalid('staff_account', 'staff accounts are not closed here');
    // A customer who still owes, is owed or holds money keeps the account: closing it would stop
    // their sign-ins (and so their repayments), and anonymising it later would erase a debtor.
    const [positions, lines, wallet] = await Promise.all([
      openPositionsOf(db, userId),
      openLinesOf(db, userId),
      this.deps.payments.wallet(userId),
    ]);
    if (positions.loans > 0 || positions.notes > 0 || lines > 0 || wallet.balance !== 0n)
      throw conflict(
        'account_has_obligations',
        'the customer still has loans, notes, a credit line or money in the wallet',
        {
          loans: positions.loans,
          notes: positions.notes,
          creditLines: lines,
          walletBalance: formatAmount(wallet.balance, CNY),
        },
      );
    return inTransaction(db, async (trx) => {
      if (!(await identityDataProtection.closeAccount(trx, clock, userId)))
        throw conflict('account_already_closed', 'the account is closed already');
      await identity.audit(
        context,
        { action: 'privacy.account_closed', subjectType: 'user', subjectId: userId },
        trx,
      );
      return { closedAt: clock.now() };
    });
  }

  // Retention -----------------------------------------------------------------------------------

  rules(): Promise<RetentionRule[]> {
    return retentionRules(this.deps.db);
  }

  async setRule(
    kind: string,
    change: { afterDays?: number | undefined; enabled?: boolean | undefined },
    context: AuditContext,
  ): Promise<RetentionRule> {
    if (!RETENTION_KINDS.includes(kind as RetentionKind))
      throw notFound('retention_rule_not_found', `no retention rule for ${kind}`);
    return inTransaction(this.deps.db, async (trx) => {
      const before = (await retentionRules(trx)).find((r) => r.kind === kind);
      if (!before) throw notFound('retention_rule_not_found', `no retention rule for ${kind}`);
      await sql`
        update privacy_retention_rules set after_days = ${change.afterDays ?? before.afterDays},
          enabled = ${change.enabled ?? before.enabled}, updated_at = ${this.deps.clock.now()},
          updated_by = ${actorId(context.principal)}
        where kind = ${kind}`.execute(trx);
      const after = (await retentionRules(trx)).find((r) => r.kind === kind)!;
      await this.deps.identity.audit(
        context,
        {
          action: 'privacy.retention_rule_changed',
          subjectType: 'retention_rule',
          subjectId: kind,
          before: { afterDays: before.afterDays, enabled: before.enabled },
          after: { afterDays: after.afterDays, enabled: after.enabled },
        },
        trx,
      );
      return after;
    });
  }

  /** Staff catching up: applies every enabled rule as of `date`, in one transaction, audited. */
  async runRetention(date: PlainDate, context: AuditContext): Promise<RetentionRun[]> {
    if (date > this.deps.clock.businessDate())
      throw invalid('date_in_future', 'retention runs for today or a day before it');
    return inTransaction(this.deps.db, async (trx) => {
      const runs = await applyRetention(this.deps, trx, date, {
        trigger: 'manual',
        ranBy: actorId(context.principal),
      });
      await this.deps.identity.audit(
        context,
        {
          action: 'privacy.retention_run',
          details: {
            businessDate: date,
            rows: Object.fromEntries(runs.map((r) => [r.kind, r.rowsAffected])),
          },
        },
        trx,
      );
      return runs;
    });
  }

  runs(limit = 50): Promise<RetentionRun[]> {
    return retentionRuns(this.deps.db, limit);
  }

  /**
   * compliance.retention (960, after the day's audit head): every enabled rule applied set-based,
   * with the business date being closed as "today", in the step's one transaction. One chunk: each
   * rule is one statement, and seven chunks a day would cost more in bookkeeping than they save.
   */
  daySteps(): BatchStep[] {
    return [
      {
        name: 'compliance.retention',
        owner: 'compliance',
        position: 960,
        description:
          'Apply the data retention rules: delete, blank, strip or anonymise what is past its keeping',
        run: async (trx, date) => {
          const runs = await applyRetention(this.deps, trx, date, { trigger: 'day_close', ranBy: 'system' });
          return runs.reduce((sum, r) => sum + r.rowsAffected, 0);
        },
      },
    ];
  }
}
