import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { type Clock, notFound, uuidv7 } from '../../kernel/index.ts';

/**
 * Consent records. Every grant or withdrawal is a new row with when, from where (address and user
 * agent, when known), who recorded it and the version of the text the user was shown; the latest row
 * for a purpose is the one in force, and the history is never rewritten.
 *
 * The list of purposes is extensible: a new purpose is a new entry here with its text.
 */
export const CONSENT_PURPOSES = {
  marketing: {
    textVersion: 'marketing-2026-12',
    zh: '我同意 netfin 通过短信、电子邮件和应用内消息向我发送产品与活动信息。我可以随时撤回。',
    en: 'I agree that netfin may send me news of products and offers by SMS, e-mail and in-app messages. I can withdraw at any time.',
  },
  credit_bureau: {
    textVersion: 'credit-bureau-2026-12',
    zh: '我授权 netfin 在审核我的借款或授信申请及存续期管理时，向征信机构查询我的信用报告。我可以随时撤回，撤回后 netfin 不再查询。',
    en: 'I authorise netfin to obtain my credit report from the credit bureau when deciding on my loan or credit line application and while it is open. I can withdraw at any time; netfin will then stop querying.',
  },
  // Accepted once, at sign-up (the form's agreement checkbox); not withdrawn by a switch: a user who
  // no longer agrees closes the account. The full texts are shown by the web app (demo texts).
  terms: {
    textVersion: 'terms-2026-12',
    zh: '我已阅读并同意《netfin 用户协议》（演示文本）。',
    en: 'I have read and agree to the netfin User Agreement (a demo text).',
  },
  privacy_policy: {
    textVersion: 'privacy-2026-12',
    zh: '我已阅读并同意《netfin 隐私政策》（演示文本），了解 netfin 如何收集、使用和保护我的个人信息。',
    en: 'I have read and agree to the netfin Privacy Policy (a demo text) on how netfin collects, uses and protects my personal information.',
  },
} as const;

/** Purposes accepted once at sign-up, which a switch does not withdraw. */
export const ACCEPTED_AT_SIGN_UP: readonly ConsentPurpose[] = ['terms', 'privacy_policy'];

export type ConsentPurpose = keyof typeof CONSENT_PURPOSES;
export const PURPOSE_NAMES = Object.keys(CONSENT_PURPOSES) as [ConsentPurpose, ...ConsentPurpose[]];

export type ConsentSource = 'settings' | 'loan_application' | 'line_application' | 'staff' | 'sign_up';

export interface ConsentRecord {
  readonly id: string;
  readonly purpose: ConsentPurpose;
  readonly granted: boolean;
  readonly textVersion: string;
  readonly source: ConsentSource;
  readonly actorId: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly recordedAt: Date;
}

export function checkPurpose(purpose: string): ConsentPurpose {
  if (!Object.hasOwn(CONSENT_PURPOSES, purpose))
    throw notFound('consent_purpose_not_found', `no consent purpose ${purpose}`);
  return purpose as ConsentPurpose;
}

export async function recordConsent(
  db: Executor,
  clock: Clock,
  input: {
    userId: string;
    purpose: ConsentPurpose;
    granted: boolean;
    source: ConsentSource;
    actorId: string;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<ConsentRecord> {
  const record: ConsentRecord = {
    id: uuidv7(),
    purpose: input.purpose,
    granted: input.granted,
    textVersion: CONSENT_PURPOSES[input.purpose].textVersion,
    source: input.source,
    actorId: input.actorId,
    ip: input.ip,
    userAgent: input.userAgent,
    recordedAt: clock.now(),
  };
  await sql`
    insert into privacy_consents (id, user_id, purpose, granted, text_version, source, actor_id, ip, user_agent, recorded_at)
    values (${record.id}::uuid, ${input.userId}::uuid, ${record.purpose}, ${record.granted}, ${record.textVersion},
            ${record.source}, ${record.actorId}, ${record.ip}, ${record.userAgent}, ${record.recordedAt})`.execute(
    db,
  );
  return record;
}

interface ConsentRow {
  id: string;
  purpose: string;
  granted: boolean;
  text_version: string;
  source: string;
  actor_id: string;
  ip: string | null;
  user_agent: string | null;
  recorded_at: Date;
}

const recordOf = (r: ConsentRow): ConsentRecord => ({
  id: r.id,
  purpose: r.purpose as ConsentPurpose,
  granted: r.granted,
  textVersion: r.text_version,
  source: r.source as ConsentSource,
  actorId: r.actor_id,
  ip: r.ip,
  userAgent: r.user_agent,
  recordedAt: r.recorded_at,
});

/** The record in force for a purpose at `at` (the latest at or before it), or null if there is none. */
export async function consentAt(
  db: Executor,
  userId: string,
  purpose: ConsentPurpose,
  at: Date,
): Promise<ConsentRecord | null> {
  const rows = await sql<ConsentRow>`
    select id, purpose, granted, text_version, source, actor_id, ip, user_agent, recorded_at from privacy_consents
    where user_id = ${userId}::uuid and purpose = ${purpose} and recorded_at <= ${at}
    order by recorded_at desc, id desc limit 1`.execute(db);
  return rows.rows[0] ? recordOf(rows.rows[0]) : null;
}

/**
 * Whether the credit bureau may be asked about a user at `at`, as a SQL expression for a context that
 * composes it into a statement of its own (risk reads it in its one read per decision): the record in
 * force (as consentAt) says so, or there is none, since applying is the moment of authorisation (see
 * Privacy.bureauAllowed, which answers the same from JavaScript).
 */
export function bureauConsentSql(userId: string, at: Date): RawBuilder<boolean> {
  return sql<boolean>`coalesce((select granted from privacy_consents
    where user_id = ${userId}::uuid and purpose = 'credit_bureau' and recorded_at <= ${at}::timestamptz
    order by recorded_at desc, id desc limit 1), true)`;
}

/** A user's consent records, newest first (every purpose). */
export async function consentHistory(db: Executor, userId: string, limit = 500): Promise<ConsentRecord[]> {
  const rows = await sql<ConsentRow>`
    select id, purpose, granted, text_version, source, actor_id, ip, user_agent, recorded_at from privacy_consents
    where user_id = ${userId}::uuid order by recorded_at desc, id desc limit ${limit}`.execute(db);
  return rows.rows.map(recordOf);
}

export async function deleteConsentRecord(db: Executor, id: string): Promise<void> {
  await sql`delete from privacy_consents where id = ${id}::uuid`.execute(db);
}
