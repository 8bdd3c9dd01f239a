import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import {
  type Clock,
  Coalescer,
  conflict,
  DomainError,
  invalid,
  notFound,
  ruleViolation,
  uuidv7,
} from '../kernel/index.ts';
import { AccountPasswords, invalidCredentials } from './account-password.ts';
import { recordActivity } from './activity.ts';
import { type AuditContext, audit } from './audit.ts';
import { maskIdNumber, maskName, maskPhone } from './masking.ts';
import { burnVerification, checkPasswordPolicy, hashPassword } from './passwords.ts';
import { ADMIN_TOKEN, isRole, type Role, STAFF_ROLES } from './roles.ts';
import { createSession, revokeAllSessions } from './sessions.ts';
import { type IdentitySettings, PHONE_PATTERN } from './settings.ts';
import { SignUpHooks } from './sign-up-hooks.ts';
import { checkSignUpSource, type SignUpSource } from './sign-up-source.ts';
import type { SmsCodes } from './sms-codes.ts';
import type { Vault } from './vault.ts';

export interface UserProfile {
  readonly id: string;
  readonly phone: string;
  readonly displayName: string | null;
  readonly roles: Role[];
  readonly kycLevel: number;
  readonly realName: string | null;
  readonly idNumber: string | null;
  readonly birthDate: string | null;
  readonly hasPaymentPassword: boolean;
  readonly isStaff: boolean;
  readonly status: string;
  readonly createdAt: Date;
}

export interface ClientInfo {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

interface UserRow {
  id: string;
  phone_enc: string;
  password_hash: string;
  display_name: string | null;
  status: string;
  failed_sign_ins: number;
  locked_until: Date | null;
  kyc_level: number;
  real_name_enc: string | null;
  id_number_enc: string | null;
  birth_date: string | null;
  payment_password_hash: string | null;
  is_staff: boolean;
  created_at: Date;
  roles: string[] | null;
}

const USER_COLUMNS =
  sql.raw(`u.id, u.phone_enc, u.password_hash, u.display_name, u.status, u.failed_sign_ins, u.locked_until,
  u.kyc_level, u.real_name_enc, u.id_number_enc, u.birth_date, u.payment_password_hash, u.is_staff, u.created_at,
  (select array_agg(role order by role) from user_roles r where r.user_id = u.id) as roles`);

/** The channel of a sign-up that names none. */
export const DEFAULT_CHANNEL = 'organic';
/** A channel of origin: a short code of lower-case letters, digits and underscores (a campaign's, a partner's). */
export const CHANNEL_PATTERN = /^[a-z0-9_]{1,32}$/;

export function checkChannel(channel: string | undefined): string {
  if (channel === undefined) return DEFAULT_CHANNEL;
  if (!CHANNEL_PATTERN.test(channel))
    throw invalid(
      'channel_malformed',
      'a channel is a code of 1-32 lower-case letters, digits or underscores',
    );
  return channel;
}

export function checkPhone(phone: string): string {
  if (!PHONE_PATTERN.test(phone))
    throw invalid('phone_malformed', 'a mainland mobile number has 11 digits and starts with 13-19');
  return phone;
}

export class Users {
  // Sign-in and every confirmation with the account password go through this one limiter.
  private readonly passwords: AccountPasswords;

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly vault: Vault,
    private readonly codes: SmsCodes,
    private readonly settings: IdentitySettings,
    readonly signUpHooks: SignUpHooks = new SignUpHooks(),
  ) {
    this.passwords = new AccountPasswords(db, clock, settings);
  }

  // Concurrent "who has this number" lookups (transfers to a friend) share one query.
  private readonly byPhone = new Coalescer<string, string | undefined>(async (hashes) => {
    const rows = await sql<{ id: string; phone_hash: string }>`
      select id, phone_hash from users where phone_hash = any(${hashes}::text[]) and status = 'active'`.execute(
      this.db,
    );
    return new Map(rows.rows.map((row) => [row.phone_hash, row.id]));
  }, undefined);

  /** The id of the user with this mobile number, if any. */
  async idOfPhone(phone: string): Promise<string | undefined> {
    return (await this.findByPhone(this.db, phone))?.id;
  }

  private async findByPhone(db: Executor, phone: string): Promise<UserRow | undefined> {
    const rows =
      await sql<UserRow>`select ${USER_COLUMNS} from users u where u.phone_hash = ${this.vault.lookupHash(phone)}`.execute(
        db,
      );
    return rows.rows[0];
  }

  async get(userId: string, db: Executor = this.db): Promise<UserRow | undefined> {
    const rows = await sql<UserRow>`select ${USER_COLUMNS} from users u where u.id = ${userId}`.execute(db);
    return rows.rows[0];
  }

  /** The profile as its owner (or a role allowed to read personal data) sees it; masked otherwise. */
  async profile(userId: string, options: { unmasked: boolean }): Promise<UserProfile> {
    const row = await this.get(userId);
    if (!row) throw notFound('user_not_found', 'no such user');
    const phone = this.vault.decrypt(row.phone_enc);
    const realName = row.real_name_enc ? this.vault.decrypt(row.real_name_enc) : null;
    const idNumber = row.id_number_enc ? this.vault.decrypt(row.id_number_enc) : null;
    return {
      id: row.id,
      phone: options.unmasked ? phone : maskPhone(phone),
      displayName: row.display_name,
      roles: (row.roles ?? []).filter(isRole) as Role[],
      kycLevel: row.kyc_level,
      realName: realName === null ? null : options.unmasked ? realName : maskName(realName),
      idNumber: idNumber === null ? null : options.unmasked ? idNumber : maskIdNumber(idNumber),
      birthDate: row.birth_date,
      hasPaymentPassword: row.payment_password_hash !== null,
      isStaff: row.is_staff,
      status: row.status,
      createdAt: row.created_at,
    };
  }

  /** The user's phone number in full, for sending them messages. */
  async phoneOf(userId: string, db: Executor = this.db): Promise<string> {
    const row = await this.get(userId, db);
    if (!row) throw notFound('user_not_found', 'no such user');
    return this.vault.decrypt(row.phone_enc);
  }

  /** The active user with this mobile number, if any. */
  userIdByPhone(phone: string): Promise<string | undefined> {
    return this.byPhone.load(this.vault.lookupHash(phone));
  }

  private async insertUser(
    trx: Executor,
    input: {
      phone: string;
      passwordHash: string;
      displayName: string | null;
      roles: Role[];
      isStaff: boolean;
      grantedBy: string;
      channel?: string;
    },
  ): Promise<string> {
    const id = uuidv7();
    const now = this.clock.now();
    const inserted = await sql`
      insert into users (id, phone_hash, phone_enc, password_hash, display_name, created_at, is_staff, channel)
      values (${id}, ${this.vault.lookupHash(input.phone)}, ${this.vault.encrypt(input.phone)}, ${input.passwordHash},
              ${input.displayName}, ${now}, ${input.isStaff}, ${input.channel ?? DEFAULT_CHANNEL})
      on conflict (phone_hash) do nothing`.execute(trx);
    if (inserted.numAffectedRows !== 1n)
      throw conflict('phone_already_registered', 'this mobile number already has an account');
    for (const role of input.roles) {
      await sql`insert into user_roles (user_id, role, granted_at, granted_by) values (${id}, ${role}, ${now}, ${input.grantedBy})`.execute(
        trx,
      );
    }
    return id;
  }

  async signUp(
    input: {
      phone: string;
      password: string;
      code: string;
      displayName?: string | undefined;
      /** The agreement checkbox: the user agreement and the privacy policy (required). */
      acceptTerms: boolean;
      /** Where the user came from (a campaign's or partner's code); 'organic' when not said. */
      channel?: string | undefined;
      /** The landing URL's source (issue 20): channel, campaign, referrer's code, UTM parameters. */
      source?: SignUpSource | undefined;
    },
    client: ClientInfo,
  ): Promise<{ userId: string; token: string; expiresAt: Date }> {
    if (input.acceptTerms !== true)
      throw invalid('terms_not_accepted', 'accept the user agreement and the privacy policy to sign up');
    const source = checkSignUpSource(input.source);
    const channel = checkChannel(source?.channel ?? input.channel);
    checkPhone(input.phone);
    const policy = checkPasswordPolicy(input.password);
    if (!policy.ok) throw invalid(policy.error, 'a password needs 8-128 characters with letters and digits');
    if (await this.findByPhone(this.db, input.phone))
      throw conflict('phone_already_registered', 'this mobile number already has an account');
    await this.codes.consume({ phone: input.phone, purpose: 'sign_up', code: input.code });
    const passwordHash = await hashPassword(input.password);
    return inTransaction(this.db, async (trx) => {
      const userId = await this.insertUser(trx, {
        phone: input.phone,
        passwordHash,
        displayName: input.displayName ?? null,
        roles: ['customer'],
        isStaff: false,
        grantedBy: 'sign-up',
        channel,
      });
      const session = await createSession(trx, this.clock, userId, this.settings.sessionTtlHours, client);
      await recordActivity(trx, this.clock.businessDate(), [userId]);
      await audit(
        trx,
        this.clock,
        { principal: { kind: 'user', userId, roles: ['customer'], sessionId: null }, ip: client.ip },
        {
          action: 'user.signed_up',
          subjectType: 'user',
          subjectId: userId,
        },
      );
      await this.signUpHooks.fire(trx, {
        userId,
        acceptedTerms: true,
        ip: client.ip,
        userAgent: client.userAgent?.slice(0, 400) ?? null,
        channel,
        source: source ?? null,
      });
      return { userId, ...session };
    });
  }

  /**
   * Demo data only (`npm start` on a fresh database): customers created at once, without SMS codes,
   * all with the same password hashed once (argon2 is deliberately slow; the demo's crowd shares one
   * password). Each is a customer as a sign-up makes one, with its audit entry; no session.
   */
  async createCustomersForDemo(
    people: readonly { phone: string; displayName: string }[],
    password: string,
  ): Promise<string[]> {
    for (const person of people) checkPhone(person.phone);
    const policy = checkPasswordPolicy(password);
    if (!policy.ok) throw invalid(policy.error, 'a password needs 8-128 characters with letters and digits');
    const passwordHash = await hashPassword(password);
    return inTransaction(this.db, async (trx) => {
      const ids: string[] = [];
      for (const person of people) {
        const userId = await this.insertUser(trx, {
          phone: person.phone,
          passwordHash,
          displayName: person.displayName,
          roles: ['customer'],
          isStaff: false,
          grantedBy: 'sign-up',
        });
        // Written by the demo (as the operator, like its staff accounts), not by the person.
        await audit(
          trx,
          this.clock,
          { principal: ADMIN_TOKEN, ip: null },
          { action: 'demo.customer_created', subjectType: 'user', subjectId: userId },
        );
        // As at a sign-up, the agreement and privacy policy the person is taken to have accepted.
        await this.signUpHooks.fire(trx, {
          userId,
          acceptedTerms: true,
          ip: null,
          userAgent: 'netfin demo',
          channel: DEFAULT_CHANNEL,
          source: null,
        });
        ids.push(userId);
      }
      return ids;
    });
  }

  /**
   * Signs in with phone and password. After `signInMaxFailures` wrong passwords in a row the account
   * is locked for `signInLockMinutes`, however many guesses arrive at once (account-password.ts); the
   * same error answers an unknown number and a wrong password.
   */
  async signIn(
    input: { phone: string; password: string },
    client: ClientInfo,
  ): Promise<{ userId: string; token: string; expiresAt: Date }> {
    checkPhone(input.phone);
    const user = await this.findByPhone(this.db, input.phone);
    if (!user) {
      await burnVerification(input.password);
      throw invalidCredentials('sign_in');
    }
    if (user.status !== 'active')
      throw new DomainError('account_disabled', 'forbidden', 'this account is disabled');
    const context: AuditContext = {
      principal: { kind: 'user', userId: user.id, roles: [], sessionId: null },
      ip: client.ip,
    };
    await this.passwords.check(user, input.password, context, 'sign_in');
    return inTransaction(this.db, async (trx) => {
      const session = await createSession(trx, this.clock, user.id, this.settings.sessionTtlHours, client);
      await recordActivity(trx, this.clock.businessDate(), [user.id]);
      await audit(trx, this.clock, context, {
        action: 'security.signed_in',
        subjectType: 'user',
        subjectId: user.id,
      });
      return { userId: user.id, ...session };
    });
  }

  /**
   * A signed-in user confirms a sensitive change with the account password. Wrong ones count towards
   * the sign-in lockout: `invalid_credentials`, then `account_locked`.
   */
  async confirmPassword(userId: string, password: string, context: AuditContext): Promise<void> {
    const user = await this.get(userId);
    if (!user) throw notFound('user_not_found', 'no such user');
    await this.passwords.check(user, password, context, 'confirmation');
  }

  async resetPassword(
    input: { phone: string; code: string; newPassword: string },
    client: ClientInfo,
  ): Promise<void> {
    checkPhone(input.phone);
    const policy = checkPasswordPolicy(input.newPassword);
    if (!policy.ok) throw invalid(policy.error, 'a password needs 8-128 characters with letters and digits');
    await this.codes.consume({ phone: input.phone, purpose: 'reset_password', code: input.code });
    const user = await this.findByPhone(this.db, input.phone);
    if (!user)
      throw ruleViolation('sms_code_expired', 'the code has expired or was never sent; ask for a new one');
    const passwordHash = await hashPassword(input.newPassword);
    await inTransaction(this.db, async (trx) => {
      await sql`update users set password_hash = ${passwordHash}, failed_sign_ins = 0, locked_until = null where id = ${user.id}`.execute(
        trx,
      );
      await revokeAllSessions(trx, this.clock, user.id);
      await audit(
        trx,
        this.clock,
        { principal: { kind: 'anonymous', userId: null, roles: [], sessionId: null }, ip: client.ip },
        {
          action: 'security.password_reset',
          subjectType: 'user',
          subjectId: user.id,
        },
      );
    });
  }

  /** An administrator creates a staff member with roles. */
  async createStaff(
    input: { phone: string; password: string; displayName: string; roles: Role[] },
    context: AuditContext,
  ): Promise<string> {
    checkPhone(input.phone);
    const policy = checkPasswordPolicy(input.password);
    if (!policy.ok) throw invalid(policy.error, 'a password needs 8-128 characters with letters and digits');
    if (input.roles.length === 0 || !input.roles.every((role) => STAFF_ROLES.includes(role))) {
      throw invalid('staff_roles_invalid', `staff roles are ${STAFF_ROLES.join(', ')}`);
    }
    const passwordHash = await hashPassword(input.password);
    return inTransaction(this.db, async (trx) => {
      const id = await this.insertUser(trx, {
        phone: input.phone,
        passwordHash,
        displayName: input.displayName,
        roles: input.roles,
        isStaff: true,
        grantedBy: context.principal.userId ?? context.principal.kind,
      });
      await audit(trx, this.clock, context, {
        action: 'staff.created',
        subjectType: 'user',
        subjectId: id,
        after: { roles: input.roles, displayName: input.displayName },
      });
      return id;
    });
  }

  /** Replaces a user's roles (administrators only; the route checks the permission). */
  async setRoles(userId: string, roles: Role[], context: AuditContext): Promise<Role[]> {
    return inTransaction(this.db, async (trx) => {
      const user = await this.get(userId, trx);
      if (!user) throw notFound('user_not_found', 'no such user');
      const before = (user.roles ?? []).filter(isRole) as Role[];
      if (!user.is_staff && roles.some((role) => STAFF_ROLES.includes(role))) {
        throw ruleViolation(
          'staff_roles_need_staff_account',
          'staff roles go to staff accounts, created by an administrator',
        );
      }
      await sql`delete from user_roles where user_id = ${userId}`.execute(trx);
      for (const role of roles) {
        await sql`insert into user_roles (user_id, role, granted_at, granted_by)
                  values (${userId}, ${role}, ${this.clock.now()}, ${context.principal.userId ?? context.principal.kind})`.execute(
          trx,
        );
      }
      await audit(trx, this.clock, context, {
        action: 'user.roles_changed',
        subjectType: 'user',
        subjectId: userId,
        before: { roles: before },
        after: { roles },
      });
      return roles;
    });
  }

  /** Grants one role if the user lacks it (becoming a merchant, for example). */
  async grantRole(trx: Executor, userId: string, role: Role, grantedBy: string): Promise<void> {
    await sql`insert into user_roles (user_id, role, granted_at, granted_by) values (${userId}, ${role}, ${this.clock.now()}, ${grantedBy})
              on conflict do nothing`.execute(trx);
  }

  async list(filter: {
    before?: string | undefined;
    limit: number;
    role?: Role | undefined;
  }): Promise<UserProfile[]> {
    const rows = await sql<{ id: string }>`
      select u.id from users u
      where ${filter.before === undefined ? sql`true` : sql`u.id < ${filter.before}::uuid`}
        and ${filter.role === undefined ? sql`true` : sql`exists (select 1 from user_roles r where r.user_id = u.id and r.role = ${filter.role})`}
      order by u.id desc limit ${filter.limit}`.execute(this.db);
    return Promise.all(rows.rows.map((row) => this.profile(row.id, { unmasked: false })));
  }
}
