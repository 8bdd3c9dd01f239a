import { sql } from 'kysely';
import type { BatchStep } from '../../batch/index.ts';
import { type Executor, inTransaction } from '../../db/index.ts';
import { type AuditContext, actorId, type IdentityVerified } from '../../identity/index.ts';
import type { ComplianceDeps } from '../deps.ts';
import { entriesInForceFor, listEntries, listsWhere, uploadList, type WatchListView } from './lists.ts';
import { EntryIndex } from './matcher.ts';
import { recordMatches } from './matches-store.ts';
import { blockKeys, nameForms } from './names.ts';
import {
  type ConfirmedMatchListener,
  decideMatch,
  getMatch,
  listMatches,
  type MatchDecision,
  type MatchStatus,
  type MatchView,
} from './queue.ts';
import { type RescreenProgress, runPendingRescreens } from './rescreen.ts';

/**
 * Watch lists and name screening. A customer is screened when their real name is verified (in
 * identity's transaction, through its hook) and again whenever a list changes; candidate matches go
 * to a queue for the compliance officers. Screening never blocks a verification: an officer decides.
 */
export class Screening {
  private running: Promise<void> | null = null;
  private again = false;

  private confirmedListener: ConfirmedMatchListener | undefined;

  /** Whoever must hear of a confirmed match, in the decision's transaction (compliance wires AML here). */
  onConfirmed(listener: ConfirmedMatchListener): void {
    this.confirmedListener = listener;
  }

  constructor(private readonly deps: ComplianceDeps) {
    deps.identity.onIdentityVerified((trx, event) => this.screenVerified(trx, event));
  }

  /** The matching threshold in force (0 to 1). */
  async threshold(db: Executor = this.deps.db): Promise<number> {
    const rows = await sql<{ threshold: string }>`select threshold::text from screening_settings`.execute(db);
    return Number(rows.rows[0]!.threshold);
  }

  async setThreshold(threshold: string, context: AuditContext): Promise<number> {
    return inTransaction(this.deps.db, async (trx) => {
      const before = await this.threshold(trx);
      await sql`update screening_settings set threshold = ${threshold}::numeric, updated_by = ${actorId(context.principal)},
                updated_at = ${this.deps.clock.now()}`.execute(trx);
      await this.deps.identity.audit(
        context,
        {
          action: 'screening.threshold_changed',
          before: { threshold: before },
          after: { threshold: Number(threshold) },
        },
        trx,
      );
      return this.threshold(trx);
    });
  }

  /** Uploads a list's CSV as its next version, then starts re-screening every verified customer against it. */
  async upload(listName: string, csv: string, context: AuditContext): Promise<WatchListView> {
    const { list } = await uploadList(this.deps, listName, csv, context);
    this.startRescreen();
    return list;
  }

  lists(): Promise<WatchListView[]> {
    return listsWhere(this.deps.db, null);
  }

  entries(listId: string, filter: Parameters<typeof listEntries>[2]) {
    return listEntries(this.deps.db, listId, filter);
  }

  matches(filter: Parameters<typeof listMatches>[1]): Promise<MatchView[]> {
    return listMatches(this.deps, filter);
  }

  match(id: string): Promise<MatchView> {
    return getMatch(this.deps, id);
  }

  /**
   * Records an officer's decision. A confirmed match is recorded here for the AML officers; opening
   * an AML case from it waits for the AML case service's API (see docs/compliance-screening.md).
   */
  decide(id: string, input: { decision: MatchDecision; reason: string }, context: AuditContext) {
    return decideMatch(this.deps, id, input, context, this.confirmedListener);
  }

  /** Re-screens every verified customer against every list in force, now (POST /v1/screening/rescreen). */
  async rescreenAll(context: AuditContext): Promise<RescreenProgress> {
    await inTransaction(this.deps.db, async (trx) => {
      const restarted = await sql`
        update screening_list_versions v set rescreen_after = null, rescreened_at = null, rescreen_trigger = 'rescreen'
        from screening_lists l where l.id = v.list_id and l.current_version = v.version`.execute(trx);
      await this.deps.identity.audit(
        context,
        { action: 'screening.rescreen_started', after: { lists: Number(restarted.numAffectedRows ?? 0n) } },
        trx,
      );
    });
    await this.settled();
    return this.finishPending();
  }

  /** Finishes every pending re-screen (also day-close's step). */
  finishPending(): Promise<RescreenProgress> {
    return runPendingRescreens(this.deps, () => this.threshold());
  }

  /** Resolves when the re-screen started after an upload has finished (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Runs the pending re-screens after the upload's commit, outside the request. A failure leaves the
   * version pending, and day-close's step finishes it.
   */
  private startRescreen(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.finishPending().catch(() => {});
      } while (this.again);
      this.running = null;
    })();
  }

  /** Screens a customer whose real name has just been verified, in the verification's transaction. */
  private async screenVerified(trx: Executor, event: IdentityVerified): Promise<void> {
    const forms = nameForms(event.realName);
    const entries = await entriesInForceFor(trx, blockKeys(forms, true), event.idNumberHash);
    if (entries.length === 0) return;
    const found = new EntryIndex(entries).match(
      { userId: event.userId, realName: event.realName, idNumberHash: event.idNumberHash },
      await this.threshold(trx),
    );
    await recordMatches(trx, found, 'kyc', this.deps.clock.now());
  }

  daySteps(): BatchStep[] {
    return [
      {
        name: 'compliance.screening',
        owner: 'compliance',
        position: 910,
        description: 'Finish any pending re-screen of verified customers against changed watch lists',
        transactional: false,
        run: async () => (await this.finishPending()).customers,
      },
    ];
  }
}

export type { MatchDecision, MatchStatus, MatchView, RescreenProgress, WatchListView };
