import type { Executor } from '../db/index.ts';
import { type Clock, isUuid } from '../kernel/index.ts';
import { type AuditContext, type AuditEntry, AuditWriter, audit, listAudit } from './audit.ts';
import { auditChainHead, auditHashesAt, verifyAuditChain } from './audit-chain.ts';
import { Contacts, reachOf, regionsOf, userNames } from './contacts.ts';
import { customerOrigins, customerOriginsPage, maskedPhonesOf } from './crm-users.ts';
import { Kyc } from './kyc.ts';
import { type NotificationSender, Notifier } from './notifications.ts';
import {
  type CardVerifier,
  type IdentityProvider,
  simulatedCardVerifier,
  simulatedIdentityProvider,
} from './providers.ts';
import type { Principal } from './roles.ts';
import { listSessions, revokeSession, SessionResolver } from './sessions.ts';
import type { IdentitySettings } from './settings.ts';
import type { SignedUpListener } from './sign-up-hooks.ts';
import { SmsCodes } from './sms-codes.ts';
import { Suitability } from './suitability.ts';
import { Users } from './users.ts';
import type { Vault } from './vault.ts';
import { type IdentityVerifiedListener, VerificationHooks } from './verification-hooks.ts';
import { verifiedNamesAfter, verifiedNamesOf } from './verified-names.ts';

export interface IdentityOptions {
  readonly db: Executor;
  readonly clock: Clock;
  readonly vault: Vault;
  readonly sender: NotificationSender;
  readonly settings: IdentitySettings;
  readonly identityProvider?: IdentityProvider;
  readonly cardVerifier?: CardVerifier;
}

/** The identity context's public face: users, sessions, codes, KYC and cards, notifications, audit. */
export class Identity {
  readonly vault: Vault;
  readonly notifier: Notifier;
  readonly codes: SmsCodes;
  readonly users: Users;
  readonly kyc: Kyc;
  readonly contacts: Contacts;
  readonly suitability: Suitability;
  private readonly sessions: SessionResolver;
  private readonly auditWriter: AuditWriter;
  private readonly verificationHooks = new VerificationHooks();

  constructor(private readonly options: IdentityOptions) {
    this.sessions = new SessionResolver(options.db, options.clock);
    this.auditWriter = new AuditWriter(options.db, options.clock);
    const { db, clock, vault, settings } = options;
    this.vault = vault;
    this.notifier = new Notifier(db, clock, vault, options.sender);
    this.codes = new SmsCodes(db, clock, vault, this.notifier, settings);
    this.users = new Users(db, clock, vault, this.codes, settings);
    this.suitability = new Suitability(db, clock, settings);
    this.contacts = new Contacts(db, clock, vault);
    this.kyc = new Kyc(
      db,
      clock,
      vault,
      this.users,
      this.codes,
      options.identityProvider ?? simulatedIdentityProvider,
      options.cardVerifier ?? simulatedCardVerifier,
      settings,
      this.verificationHooks,
    );
  }

  /** Calls `listener` inside each sign-up's transaction. */
  onSignedUp(listener: SignedUpListener): void {
    this.users.signUpHooks.add(listener);
  }

  /** Calls `listener` inside each completed real-name verification's transaction. */
  onIdentityVerified(listener: IdentityVerifiedListener): void {
    this.verificationHooks.add(listener);
  }

  /** Verified customers' names, decrypted, in id order after `after` (for screening; internal use only). */
  verifiedNamesAfter(after: string | null, limit: number, db: Executor = this.options.db) {
    return verifiedNamesAfter(db, this.vault, after, limit);
  }

  /** These users' verified names, decrypted (internal use only). */
  verifiedNamesOf(userIds: readonly string[], db: Executor = this.options.db) {
    return verifiedNamesOf(db, this.vault, userIds);
  }

  /** Users' regions (province codes from their ID cards). */
  regionsOf(userIds: readonly string[], db: Executor = this.options.db) {
    return regionsOf(db, userIds);
  }

  /** Phone numbers and names to message users by, read in the caller's transaction. */
  reachOf(userIds: readonly string[], db: Executor = this.options.db) {
    return reachOf(db, this.vault, userIds);
  }

  /** Customers' channel of origin, sign-up date and verification (crm's figures). */
  customerOrigins(userIds?: readonly string[], db: Executor = this.options.db) {
    return customerOrigins(db, userIds);
  }

  customerOriginsPage(after: string | null, limit: number, db: Executor = this.options.db) {
    return customerOriginsPage(db, after, limit);
  }

  /** Users' mobile numbers, masked (what a referrer sees of whom they brought). */
  maskedPhonesOf(userIds: readonly string[], db: Executor = this.options.db) {
    return maskedPhonesOf(db, this.vault, userIds);
  }

  resolveSession(token: string): Promise<Principal | null> {
    return this.sessions.resolve(token);
  }

  listSessions(userId: string, currentSessionId: string | null) {
    return listSessions(this.options.db, this.options.clock, userId, currentSessionId);
  }

  revokeSession(userId: string, sessionId: string) {
    return revokeSession(this.options.db, this.options.clock, userId, sessionId);
  }

  /**
   * For shutdown: refuses new audit entries made outside a transaction (`shutting_down`) and
   * resolves once every one written before has committed, so that the database can then be closed.
   */
  close(): Promise<void> {
    return this.auditWriter.close();
  }

  /** Records an entry: in the given transaction, or, without one, with group commit. */
  audit(context: AuditContext, entry: AuditEntry, db?: Executor): Promise<void> {
    if (db && db !== this.options.db) return audit(db, this.options.clock, context, entry);
    return this.auditWriter.write(context, entry);
  }

  /**
   * The audit log, newest first, each entry with its actor's name and, when the subject is a user,
   * the subject's: the display name, or the mobile number masked for a user without one.
   */
  async listAudit(filter: Parameters<typeof listAudit>[1]) {
    const records = await listAudit(this.options.db, filter);
    const ids = new Set<string>();
    for (const r of records) {
      if (isUuid(r.actorId)) ids.add(r.actorId);
      if (r.subjectType === 'user' && r.subjectId && isUuid(r.subjectId)) ids.add(r.subjectId);
    }
    const names = await userNames(this.options.db, this.vault, [...ids]);
    return records.map((r) => ({
      ...r,
      actorName: names.get(r.actorId) ?? null,
      subjectLabel: r.subjectType === 'user' && r.subjectId ? (names.get(r.subjectId) ?? null) : null,
    }));
  }
  /** Walks the audit log's hash chain; names the first record that does not hold. */
  verifyAuditChain() {
    return verifyAuditChain(this.options.db);
  }

  /** The audit chain's head: its last position and hash. */
  auditChainHead(db?: Executor) {
    return auditChainHead(db ?? this.options.db);
  }

  /** The hashes of the audit records at these chain positions. */
  auditHashesAt(positions: readonly bigint[], db?: Executor) {
    return auditHashesAt(db ?? this.options.db, positions);
  }
}
