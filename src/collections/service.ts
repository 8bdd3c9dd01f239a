import type { BatchStep } from '../batch/index.ts';
import type { Credit } from '../credit/index.ts';
import type { Executor } from '../db/index.ts';
import type { AuditContext, Identity } from '../identity/index.ts';
import { actorId } from '../identity/index.ts';
import type { Clock, PlainDate } from '../kernel/index.ts';
import type { Lending } from '../lending/index.ts';
import { analysis, analysisCsv } from './analysis.ts';
import { placeCall } from './calls.ts';
import { assignCase, type CaseFilter, caseDetail, listCases } from './cases.ts';
import { listCollectors, saveCollector } from './collectors.ts';
import { type ContactInput, logContact } from './contacts.ts';
import { checkSettings, loadSettings, saveSettings, type Tier } from './settings.ts';
import { type CollectionsContext, collectionSteps } from './steps.ts';
import { workSummary } from './summary.ts';

export interface CollectionsOptions {
  readonly db: Executor;
  readonly clock: Clock;
  readonly identity: Identity;
  readonly lending: Lending;
  readonly credit: Credit;
}

/**
 * The collections department: cases opened and staged by the day-close from lending's overdue loans
 * and credit's delinquent lines,
 * queues and assignment, the collector's workbench under the conduct rules, promises to pay, and
 * the analysis supervisors read.
 */
export class Collections {
  private readonly context: CollectionsContext;

  constructor(options: CollectionsOptions) {
    this.context = options;
  }

  daySteps(): BatchStep[] {
    return collectionSteps(this.context);
  }

  cases(filter: CaseFilter) {
    return listCases(this.context, filter);
  }

  caseDetail(caseId: string, viewer: { userId: string; supervisor: boolean; unmasked: boolean }) {
    return caseDetail(this.context, caseId, viewer);
  }

  logContact(
    caseId: string,
    collector: { userId: string; supervisor: boolean },
    input: ContactInput,
    audit: AuditContext,
  ) {
    return logContact(this.context, caseId, collector, input, audit);
  }

  /** The "call" button: logs the attempt under the conduct rules and answers with a call reference. */
  placeCall(
    caseId: string,
    collector: { userId: string; supervisor: boolean },
    party: string,
    audit: AuditContext,
  ) {
    return placeCall(this.context, caseId, collector, party, audit);
  }

  /** The dashboard's figures: a collector's own (their id), or the team's (null). */
  summary(collectorId: string | null) {
    return workSummary(this.context, collectorId);
  }

  assign(caseId: string, collectorId: string, audit: AuditContext) {
    return assignCase(this.context, caseId, collectorId, audit);
  }

  saveCollector(
    input: { userId: string; tier: Tier; region?: string | null; active?: boolean },
    audit: AuditContext,
  ) {
    return saveCollector(this.context, input, audit);
  }

  collectors() {
    return listCollectors(this.context);
  }

  settings() {
    return loadSettings(this.context.db);
  }

  async saveSettings(input: unknown, audit: AuditContext) {
    const settings = checkSettings(input);
    await saveSettings(this.context.db, this.context.clock, settings, actorId(audit.principal));
    await this.context.identity.audit(audit, { action: 'collections.settings', after: settings });
    return settings;
  }

  analysis(period: { from: PlainDate; to: PlainDate }) {
    return analysis(this.context, period);
  }

  async analysisCsv(period: { from: PlainDate; to: PlainDate }) {
    return analysisCsv(await analysis(this.context, period));
  }
}
