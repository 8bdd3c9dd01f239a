import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Clock } from '../kernel/index.ts';
import type { Vault } from './vault.ts';

/**
 * Identity's part of data protection (compliance decides when; identity changes only its own rows):
 * set-based removal of old sessions, one-time codes and notification texts, the anonymisation of
 * closed accounts, account closure itself, and what a user's data export reads from identity.
 */

/** Deletes sessions that expired, or were revoked, before `before`. */
export async function deleteSessionsEndedBefore(db: Executor, before: Date): Promise<number> {
  const result = await sql`
    delete from sessions where expires_at < ${before} or revoked_at < ${before}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Deletes one-time codes created before `before` (they expire within minutes; the rows are only evidence). */
export async function deleteSmsCodesBefore(db: Executor, before: Date): Promise<number> {
  const result = await sql`delete from sms_codes where created_at < ${before}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Replaces the text of notifications sent before `before` with an encrypted empty text: the row
 * (who was told what kind of thing, when) stays as evidence of the message, its content goes. Readers
 * keep decrypting the body as before.
 */
export async function blankNotificationsSentBefore(
  db: Executor,
  vault: Vault,
  clock: Clock,
  before: Date,
): Promise<number> {
  const result = await sql`
    update notification_outbox set body_enc = ${vault.encrypt('')}, body_removed_at = ${clock.now()}
    where status = 'sent' and sent_at < ${before} and body_removed_at is null`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Anonymises the accounts closed before `before`: phone, name, identity number, birth date, sex,
 * region, passwords and display name go from users; bound cards keep only their bank and last four
 * digits; registered contacts and sessions are deleted. The user row itself stays (with its id), so
 * that the ledger, loans, notes, lines and contracts that name it stay whole: financial records are
 * kept, only the person behind them is no longer identifiable from identity's tables. The encrypted
 * placeholders are real ciphertexts of a marker, so every reader still decrypts them. Returns how
 * many accounts were anonymised.
 */
export async function anonymiseAccountsClosedBefore(
  db: Executor,
  vault: Vault,
  clock: Clock,
  before: Date,
): Promise<number> {
  const now = clock.now();
  const marker = vault.encrypt('anonymised');
  const users = await sql<{ id: string }>`
    update users set phone_hash = 'anonymised:' || id::text, phone_enc = ${marker}, display_name = null,
      real_name_enc = null, id_number_enc = null, id_number_hash = null, birth_date = null, sex = null,
      region_code = null, password_hash = '!', payment_password_hash = null, anonymised_at = ${now}
    where status = 'disabled' and closed_at < ${before} and anonymised_at is null
    returning id`.execute(db);
  const ids = users.rows.map((r) => r.id);
  if (ids.length === 0) return 0;
  await sql`
    update bank_cards set card_hash = 'anonymised:' || id::text, card_enc = ${marker}, reserved_phone_enc = ${marker},
      status = 'unbound', is_default = false, unbound_at = coalesce(unbound_at, ${now})
    where user_id = any(${ids}::uuid[])`.execute(db);
  await sql`delete from user_contacts where user_id = any(${ids}::uuid[])`.execute(db);
  await sql`delete from sessions where user_id = any(${ids}::uuid[])`.execute(db);
  return ids.length;
}

/**
 * Closes an account: it can no longer sign in (status 'disabled', its sessions revoked) and the
 * retention clock for its personal data starts. False when it was closed already.
 */
export async function closeAccount(db: Executor, clock: Clock, userId: string): Promise<boolean> {
  const now = clock.now();
  const result = await sql`
    update users set status = 'disabled', closed_at = ${now}
    where id = ${userId}::uuid and closed_at is null`.execute(db);
  if (result.numAffectedRows !== 1n) return false;
  await sql`update sessions set revoked_at = ${now} where user_id = ${userId}::uuid and revoked_at is null`.execute(
    db,
  );
  return true;
}

/** A user's closure and anonymisation dates (null when open, or not yet anonymised). */
export async function closureOf(
  db: Executor,
  userId: string,
): Promise<{ closedAt: Date | null; anonymisedAt: Date | null } | undefined> {
  const rows = await sql<{ closed_at: Date | null; anonymised_at: Date | null }>`
    select closed_at, anonymised_at from users where id = ${userId}::uuid`.execute(db);
  const row = rows.rows[0];
  return row ? { closedAt: row.closed_at, anonymisedAt: row.anonymised_at } : undefined;
}

/** Every session of a user, live or not, newest first: for their data export (no token, only its hash's prefix). */
export async function sessionsForExport(db: Executor, userId: string) {
  const rows = await sql<{
    id: string;
    created_at: Date;
    expires_at: Date;
    last_seen_at: Date;
    revoked_at: Date | null;
    ip: string | null;
    user_agent: string | null;
  }>`
    select id, created_at, expires_at, last_seen_at, revoked_at, ip, user_agent from sessions
    where user_id = ${userId}::uuid order by created_at desc limit 1000`.execute(db);
  return rows.rows.map((r) => ({
    session: r.id.slice(0, 12),
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastSeenAt: r.last_seen_at,
    revokedAt: r.revoked_at,
    ip: r.ip,
    userAgent: r.user_agent,
  }));
}

/** Every risk assessment a user took and every suitability warning they acknowledged: for their data export. */
export async function suitabilityForExport(db: Executor, userId: string) {
  const [assessments, acknowledgements] = await Promise.all([
    sql<Record<string, unknown>>`
      select level, lowest, score, answers, assessed_at as "assessedAt", assessed_on::text as "assessedOn",
             previous_level as "previousLevel", flagged
      from investor_assessment_history where user_id = ${userId}::uuid order by assessed_at`.execute(db),
    sql<Record<string, unknown>>`
      select product_ref as "productRef", investor_level as "investorLevel", product_level as "productLevel",
             language, text_shown as "textShown", acknowledged_at as "acknowledgedAt"
      from suitability_acknowledgements where user_id = ${userId}::uuid order by acknowledged_at`.execute(db),
  ]);
  return { assessments: assessments.rows, acknowledgements: acknowledgements.rows };
}
