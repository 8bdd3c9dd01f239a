import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { type Clock, invalid, notFound, uuidv7 } from '../kernel/index.ts';
import { maskName, maskPhone } from './masking.ts';
import { checkPhone } from './users.ts';
import type { Vault } from './vault.ts';

/**
 * The people a user registered as contacts (a spouse, a parent, a colleague...). Collections may
 * reach a borrower's contacts and nobody else; the phone number is kept encrypted.
 */
export const RELATIONS = ['spouse', 'parent', 'child', 'sibling', 'friend', 'colleague', 'other'] as const;
export type Relation = (typeof RELATIONS)[number];

export interface ContactView {
  readonly id: string;
  readonly name: string;
  readonly relation: Relation;
  readonly phone: string;
  readonly createdAt: Date;
}

export const MAX_CONTACTS = 5;

export class Contacts {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly vault: Vault,
  ) {}

  async add(userId: string, input: { name: string; relation: string; phone: string }): Promise<ContactView> {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 40)
      throw invalid('contact_name_invalid', 'a contact has a name of 1-40 characters');
    if (!(RELATIONS as readonly string[]).includes(input.relation))
      throw invalid('relation_invalid', `relation is one of ${RELATIONS.join(', ')}`);
    checkPhone(input.phone);
    return this.db.transaction().execute(async (trx) => {
      await sql`select id from users where id = ${userId} for update`.execute(trx);
      const count = await sql<{
        n: number;
      }>`select count(*)::int as n from user_contacts where user_id = ${userId}`.execute(trx);
      if (count.rows[0]!.n >= MAX_CONTACTS)
        throw invalid('too_many_contacts', `at most ${MAX_CONTACTS} contacts`);
      const id = uuidv7();
      const now = this.clock.now();
      await sql`insert into user_contacts (id, user_id, name, relation, phone_encrypted, phone_masked, created_at)
                values (${id}, ${userId}, ${name}, ${input.relation}, ${this.vault.encrypt(input.phone)}, ${maskPhone(input.phone)}, ${now})`.execute(
        trx,
      );
      return {
        id,
        name,
        relation: input.relation as Relation,
        phone: maskPhone(input.phone),
        createdAt: now,
      };
    });
  }

  /** A user's contacts; names and numbers masked unless `unmasked`. */
  async list(userId: string, options: { unmasked?: boolean; db?: Executor } = {}): Promise<ContactView[]> {
    const rows = await sql<{
      id: string;
      name: string;
      relation: Relation;
      phone_encrypted: string;
      phone_masked: string;
      created_at: Date;
    }>`select id, name, relation, phone_encrypted, phone_masked, created_at from user_contacts where user_id = ${userId} order by created_at`.execute(
      options.db ?? this.db,
    );
    return rows.rows.map((r) => ({
      id: r.id,
      name: options.unmasked ? r.name : maskName(r.name),
      relation: r.relation,
      phone: options.unmasked ? this.vault.decrypt(r.phone_encrypted) : r.phone_masked,
      createdAt: r.created_at,
    }));
  }

  async remove(userId: string, contactId: string): Promise<void> {
    const rows =
      await sql`delete from user_contacts where id = ${contactId} and user_id = ${userId} returning id`.execute(
        this.db,
      );
    if (rows.rows.length === 0) throw notFound('contact_not_found', 'no such contact');
  }

  /** Whether `contactId` is one of the user's registered contacts. */
  async isContactOf(userId: string, contactId: string, db: Executor = this.db): Promise<boolean> {
    const rows =
      await sql`select 1 from user_contacts where id = ${contactId}::uuid and user_id = ${userId}::uuid`.execute(
        db,
      );
    return rows.rows.length > 0;
  }
}

/** Users' regions (the province code from the ID card: its first two digits), for collections and reports. */
export async function regionsOf(
  db: Executor,
  userIds: readonly string[],
): Promise<Map<string, string | null>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<{ id: string; region: string | null }>`
    select id, left(region_code, 2) as region from users where id = any(${userIds}::uuid[])`.execute(db);
  return new Map(rows.rows.map((r) => [r.id, r.region]));
}

/** What it takes to message users: their phone number and the name to address them by (decrypted). */
export async function reachOf(
  db: Executor,
  vault: Vault,
  userIds: readonly string[],
): Promise<Map<string, { phone: string; name: string }>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<{
    id: string;
    phone_enc: string;
    real_name_enc: string | null;
    display_name: string | null;
  }>`
    select id, phone_enc, real_name_enc, display_name from users where id = any(${userIds}::uuid[])`.execute(
    db,
  );
  return new Map(
    rows.rows.map((r) => [
      r.id,
      {
        phone: vault.decrypt(r.phone_enc),
        name: r.real_name_enc ? vault.decrypt(r.real_name_enc) : (r.display_name ?? ''),
      },
    ]),
  );
}

/** Names to show users by in staff pages (the audit log): the display name, else the number masked. */
export async function userNames(
  db: Executor,
  vault: Vault,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<{ id: string; display_name: string | null; phone_enc: string }>`
    select id, display_name, phone_enc from users where id = any(${userIds}::uuid[])`.execute(db);
  return new Map(rows.rows.map((r) => [r.id, r.display_name ?? maskPhone(vault.decrypt(r.phone_enc))]));
}
