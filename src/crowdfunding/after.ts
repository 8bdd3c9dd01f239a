import { sql } from 'kysely';
import { inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { maskName, maskPhone } from '../identity/index.ts';
import { conflict, invalid, notFound, uuidv7 } from '../kernel/index.ts';
import { BACKING_COLUMNS, type Backing, type BackingRow, backingOf, backingRow } from './backings.ts';
import type { CrowdfundingContext } from './context.ts';
import { projectRow } from './model.ts';
import { refundWithin } from './payouts.ts';

/**
 * After a project is launched: updates from the creator to backers (each backer told through the
 * identity outbox, in the update's transaction), shipping addresses (sealed by the vault; staff read
 * them masked, the creator reads in full only those of backings whose tier ships), reward delivery
 * per backing, complaints and comments.
 */
export interface ShippingAddress {
  readonly name: string;
  readonly phone: string;
  readonly address: string;
}

const nonEmpty = (text: string, code: string, max: number) => {
  if (text.trim().length === 0 || text.length > max) throw invalid(code, `1-${max} characters`);
};

export async function postUpdate(
  context: CrowdfundingContext,
  creatorId: string,
  projectId: string,
  input: { title: string; body: string },
): Promise<{ id: string; notified: number }> {
  nonEmpty(input.title, 'title_invalid', 120);
  nonEmpty(input.body, 'body_invalid', 10_000);
  return inTransaction(context.db, async (trx) => {
    const project = await projectRow(trx, projectId, true);
    if (project.creator_id !== creatorId) throw notFound('project_not_found', 'no such project');
    if (!['scheduled', 'succeeded', 'failed'].includes(project.status))
      throw conflict('project_not_launched', 'updates go to backers of a launched project');
    const id = uuidv7();
    await sql`insert into crowdfunding_updates (id, project_id, title, body, created_at)
      values (${id}, ${projectId}, ${input.title}, ${input.body}, ${context.clock.now()})`.execute(trx);
    const backers = await sql<{ backer_id: string }>`select distinct backer_id from crowdfunding_backings
      where project_id = ${projectId}::uuid and status in ('held', 'collected')`.execute(trx);
    const people = await context.identity.reachOf(
      backers.rows.map((b) => b.backer_id),
      trx,
    );
    await context.identity.notifier.enqueueMany(
      trx,
      [...people.values()].map((p) => ({
        channel: 'sms' as const,
        recipient: p.phone,
        template: 'crowdfunding.update',
        body: `【netfin】您支持的项目「${project.title}」有新动态：${input.title} / An update on "${project.title}": ${input.title}`,
      })),
    );
    return { id, notified: people.size };
  });
}

export async function updatesOf(context: CrowdfundingContext, projectId: string) {
  const rows = await sql<{ id: string; title: string; body: string; created_at: Date }>`
    select id, title, body, created_at from crowdfunding_updates where project_id = ${projectId}::uuid
    order by created_at desc, id desc limit 200`.execute(context.db);
  return rows.rows.map((r) => ({ id: r.id, title: r.title, body: r.body, createdAt: r.created_at }));
}

/** The backer gives (or changes) the shipping address of their backing; it is sealed at rest. */
export async function setAddress(
  context: CrowdfundingContext,
  backerId: string,
  backingId: string,
  address: ShippingAddress,
): Promise<Backing> {
  nonEmpty(address.name, 'name_invalid', 60);
  nonEmpty(address.address, 'address_invalid', 300);
  if (!/^1\d{10}$/.test(address.phone)) throw invalid('phone_invalid', 'a mainland mobile number, 11 digits');
  const backing = await backingRow(context.db, backingId);
  if (backing.backer_id !== backerId) throw notFound('backing_not_found', 'no such backing');
  if (!['held', 'collected'].includes(backing.status))
    throw conflict('backing_not_active', 'this backing was cancelled or released');
  const sealed = context.identity.vault.encrypt(JSON.stringify(address));
  const rows = await sql<BackingRow>`update crowdfunding_backings set address_enc = ${sealed},
      address_updated_at = ${context.clock.now()}, updated_at = ${context.clock.now()}
    where id = ${backingId}::uuid returning ${BACKING_COLUMNS}`.execute(context.db);
  return backingOf(rows.rows[0]!);
}

/**
 * The project's shipping list: each collected or held backing with its tier's shipping need. The
 * creator sees an address in full only where the tier ships; staff always masked.
 */
export async function shippingList(
  context: CrowdfundingContext,
  projectId: string,
  viewer: { creatorId: string } | 'staff',
) {
  const project = await projectRow(context.db, projectId);
  if (viewer !== 'staff' && project.creator_id !== viewer.creatorId)
    throw notFound('project_not_found', 'no such project');
  const rows = await sql<BackingRow & { shipping: boolean | null }>`select ${BACKING_COLUMNS},
      (select t.shipping from crowdfunding_tiers t where t.id = crowdfunding_backings.tier_id) as shipping
    from crowdfunding_backings
    where project_id = ${projectId}::uuid and status in ('held', 'collected') order by created_at, id`.execute(
    context.db,
  );
  return rows.rows.map((r) => {
    const ships = r.shipping === true;
    let address: ShippingAddress | null = null;
    if (r.address_enc && ships) {
      const open = JSON.parse(context.identity.vault.decrypt(r.address_enc)) as ShippingAddress;
      address =
        viewer === 'staff'
          ? {
              name: maskName(open.name),
              phone: maskPhone(open.phone),
              address: `${open.address.slice(0, 6)}****`,
            }
          : open;
    }
    return { backing: backingOf(r), shipping: ships, address };
  });
}

/** The creator marks a backing's reward shipped (carrier, tracking) or delivered. */
export async function markDelivery(
  context: CrowdfundingContext,
  creatorId: string,
  backingId: string,
  input: { state: 'shipped'; carrier: string; tracking: string } | { state: 'delivered' },
): Promise<Backing> {
  const first = await backingRow(context.db, backingId);
  const project = await projectRow(context.db, first.project_id);
  if (project.creator_id !== creatorId) throw notFound('backing_not_found', 'no such backing');
  if (first.status !== 'collected')
    throw conflict('backing_not_collected', 'rewards are delivered after success');
  const now = context.clock.now();
  const rows =
    input.state === 'shipped'
      ? await sql<BackingRow>`update crowdfunding_backings set delivery = 'shipped', carrier = ${input.carrier},
          tracking = ${input.tracking}, shipped_at = ${now}, updated_at = ${now}
        where id = ${backingId}::uuid and delivery <> 'delivered' returning ${BACKING_COLUMNS}`.execute(
          context.db,
        )
      : await sql<BackingRow>`update crowdfunding_backings set delivery = 'delivered', delivered_at = ${now}, updated_at = ${now}
        where id = ${backingId}::uuid returning ${BACKING_COLUMNS}`.execute(context.db);
  if (!rows.rows[0]) throw conflict('already_delivered', 'this reward is already delivered');
  return backingOf(rows.rows[0]);
}

export interface Complaint {
  readonly id: string;
  readonly projectId: string;
  readonly backingId: string;
  readonly text: string;
  readonly status: 'open' | 'resolved';
  readonly resolution: string | null;
  /** The refund from escrow made in the complaint's resolution, if any. */
  readonly refund: { readonly id: string; readonly amount: bigint; readonly createdAt: Date } | null;
  readonly createdAt: Date;
}

interface ComplaintRow {
  id: string;
  project_id: string;
  backing_id: string;
  text: string;
  status: 'open' | 'resolved';
  resolution: string | null;
  created_at: Date;
  refund_id: string | null;
  refund_amount: bigint | null;
  refund_at: Date | null;
}

const complaintOf = (r: ComplaintRow): Complaint => ({
  id: r.id,
  projectId: r.project_id,
  backingId: r.backing_id,
  text: r.text,
  status: r.status,
  resolution: r.resolution,
  refund:
    r.refund_id === null ? null : { id: r.refund_id, amount: r.refund_amount!, createdAt: r.refund_at! },
  createdAt: r.created_at,
});

/** A complaint's columns with its refund's (a resolution makes at most one). */
const COMPLAINT_COLUMNS = sql`c.id, c.project_id, c.backing_id, c.text, c.status, c.resolution, c.created_at,
  r.id as refund_id, r.amount as refund_amount, r.created_at as refund_at`;
const COMPLAINT_FROM = sql`crowdfunding_complaints c left join crowdfunding_refunds r on r.complaint_id = c.id`;

export async function openComplaint(
  context: CrowdfundingContext,
  backerId: string,
  backingId: string,
  text: string,
) {
  nonEmpty(text, 'text_invalid', 5000);
  const backing = await backingRow(context.db, backingId);
  if (backing.backer_id !== backerId) throw notFound('backing_not_found', 'no such backing');
  const rows = await sql<ComplaintRow>`insert into crowdfunding_complaints (id, project_id, backing_id,
      backer_id, text, created_at)
    values (${uuidv7()}, ${backing.project_id}, ${backingId}, ${backerId}, ${text}, ${context.clock.now()})
    returning *, null::uuid as refund_id, null::int8 as refund_amount, null::timestamptz as refund_at`.execute(
    context.db,
  );
  return complaintOf(rows.rows[0]!);
}

export async function complaints(context: CrowdfundingContext, status: 'open' | 'resolved' | undefined) {
  const rows = await sql<ComplaintRow>`select ${COMPLAINT_COLUMNS} from ${COMPLAINT_FROM}
    where ${status ? sql`c.status = ${status}` : sql`true`} order by c.created_at desc limit 200`.execute(
    context.db,
  );
  return rows.rows.map(complaintOf);
}

/** A backer's own complaints, newest first, with each one's answer and refund. */
export async function complaintsOf(context: CrowdfundingContext, backerId: string) {
  const rows = await sql<ComplaintRow>`select ${COMPLAINT_COLUMNS} from ${COMPLAINT_FROM}
    where c.backer_id = ${backerId}::uuid order by c.created_at desc, c.id desc limit 200`.execute(
    context.db,
  );
  return rows.rows.map(complaintOf);
}

/**
 * Staff resolve an open complaint, and with `refund` refund its backer from the project's escrow in
 * the same transaction (the refund's row names the complaint; refundWithin's rules hold: a backing
 * of a successful project, up to what the backer paid, within what escrow holds). A refund refused
 * leaves the complaint open.
 */
export async function resolveComplaint(
  context: CrowdfundingContext,
  complaintId: string,
  resolution: string,
  audit: AuditContext,
  refund?: { amount: bigint },
): Promise<Complaint> {
  nonEmpty(resolution, 'resolution_invalid', 5000);
  return inTransaction(context.db, async (trx) => {
    const rows = await sql<{ backing_id: string }>`update crowdfunding_complaints set status = 'resolved',
        resolution = ${resolution}, resolved_by = ${audit.principal.userId}, resolved_at = ${context.clock.now()}
      where id = ${complaintId}::uuid and status = 'open' returning backing_id`.execute(trx);
    if (!rows.rows[0]) throw notFound('complaint_not_found', 'no open complaint with this id');
    const refunded = refund
      ? await refundWithin(
          context,
          trx,
          rows.rows[0].backing_id,
          { amount: refund.amount, reason: resolution, complaintId },
          { staff: audit },
        )
      : null;
    await context.identity.audit(
      audit,
      {
        action: 'crowdfunding.complaint_resolved',
        subjectType: 'crowdfunding_complaint',
        subjectId: complaintId,
        after: { resolution, refundId: refunded?.id ?? null, refund: refunded?.amount.toString() ?? null },
      },
      trx,
    );
    const complaint = await sql<ComplaintRow>`select ${COMPLAINT_COLUMNS} from ${COMPLAINT_FROM}
      where c.id = ${complaintId}::uuid`.execute(trx);
    return complaintOf(complaint.rows[0]!);
  });
}

/** A backer's comment on a project they backed (held or collected). */
export async function comment(
  context: CrowdfundingContext,
  authorId: string,
  projectId: string,
  body: string,
) {
  nonEmpty(body, 'body_invalid', 2000);
  const backed = await sql`select 1 from crowdfunding_backings where project_id = ${projectId}::uuid
    and backer_id = ${authorId}::uuid and status in ('held', 'collected') limit 1`.execute(context.db);
  if (backed.rows.length === 0) throw conflict('backers_only', 'only backers comment on a project');
  const id = uuidv7();
  const now = context.clock.now();
  await sql`insert into crowdfunding_comments (id, project_id, author_id, body, created_at)
    values (${id}, ${projectId}, ${authorId}, ${body}, ${now})`.execute(context.db);
  return { id, body, createdAt: now };
}

/** Comments as the public sees them: the text and when, never who (a backer's id is theirs). */
export async function commentsOf(context: CrowdfundingContext, projectId: string) {
  const rows = await sql<{ id: string; body: string; created_at: Date }>`select id, body, created_at
    from crowdfunding_comments where project_id = ${projectId}::uuid order by created_at desc, id desc limit 200`.execute(
    context.db,
  );
  return rows.rows.map((r) => ({ id: r.id, body: r.body, createdAt: r.created_at }));
}
