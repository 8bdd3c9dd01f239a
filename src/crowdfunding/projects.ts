import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import {
  BUSINESS_TIME_ZONE,
  conflict,
  Decimal,
  DomainError,
  dateInZone,
  invalid,
  notFound,
  parseDecimal,
  ruleViolation,
  uuidv7,
} from '../kernel/index.ts';
import { createProjectAccounts } from './accounts.ts';
import type { CrowdfundingContext } from './context.ts';
import { foreignImages, imageIdOf } from './images.ts';
import {
  CATEGORY_CODES,
  type Category,
  loadProject,
  type Project,
  type ProjectRow,
  projectRow,
  type RefusalReason,
  type RiskSummary,
} from './model.ts';
import { sanitiseStory, storyImageIds } from './story.ts';

export interface TierInput {
  readonly title: string;
  readonly description: string;
  readonly price: bigint;
  readonly quantity: number | null;
  /** YYYY-MM */
  readonly deliveryMonth: string;
  readonly shipping: boolean;
}

export type PayoutPlanInput =
  | { readonly kind: 'all' }
  | { readonly kind: 'milestones'; readonly milestones: readonly { title: string; share: string }[] };

export interface ProjectInput {
  readonly title: string;
  readonly story: string;
  readonly images: readonly string[];
  readonly category: Category;
  readonly target: bigint;
  readonly durationDays: number;
  readonly tiers: readonly TierInput[];
  readonly payout: PayoutPlanInput;
}

const EDITABLE = new Set(['draft', 'changes_requested']);
const MAX_TIERS = 20;
const MAX_MILESTONES = 10;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * Checks a draft's fields; returns the story sanitised, the milestones' shares as exact decimals and
 * the ids of the pictures the project shows (its cover and gallery, and those in its story).
 */
export function checkProject(
  context: CrowdfundingContext,
  input: ProjectInput,
): { story: string; shares: Decimal[]; imageIds: string[] } {
  const { settings } = context;
  if (input.title.trim().length === 0 || input.title.length > 120)
    throw invalid('title_invalid', 'a title is 1-120 characters');
  if (!CATEGORY_CODES.includes(input.category)) throw invalid('category_unknown', 'no such category');
  if (input.target <= 0n) throw invalid('amount_must_be_positive', 'the target must be more than zero');
  if (
    !Number.isInteger(input.durationDays) ||
    input.durationDays < 1 ||
    input.durationDays > settings.maxDurationDays
  )
    throw invalid('duration_invalid', `a project raises for 1 to ${settings.maxDurationDays} days`, {
      maxDurationDays: settings.maxDurationDays,
    });
  if (input.images.length > 20) throw invalid('too_many_images', 'at most 20 images');
  const imageIds: string[] = [];
  for (const image of input.images) {
    const id = imageIdOf(image);
    if (id === null)
      throw invalid('image_url_invalid', "a project's pictures are uploaded to netfin", { image });
    imageIds.push(id);
  }
  if (input.tiers.length > MAX_TIERS) throw invalid('too_many_tiers', `at most ${MAX_TIERS} reward tiers`);
  for (const tier of input.tiers) {
    if (tier.title.trim().length === 0 || tier.title.length > 120)
      throw invalid('tier_title_invalid', "a tier's title is 1-120 characters");
    if (tier.description.length > 2000)
      throw invalid('tier_description_too_long', 'at most 2,000 characters');
    if (tier.price < settings.minPledge)
      throw invalid('tier_price_too_low', 'a tier costs at least the minimum pledge');
    if (
      tier.quantity !== null &&
      (!Number.isInteger(tier.quantity) || tier.quantity < 1 || tier.quantity > 1_000_000)
    )
      throw invalid('tier_quantity_invalid', "a tier's quantity is 1-1,000,000, or null for no limit");
    if (!MONTH.test(tier.deliveryMonth))
      throw invalid('delivery_month_invalid', 'the estimated delivery month is YYYY-MM');
  }
  const shares: Decimal[] = [];
  if (input.payout.kind === 'milestones') {
    const milestones = input.payout.milestones;
    if (milestones.length < 1 || milestones.length > MAX_MILESTONES)
      throw invalid('milestones_invalid', `a milestone plan has 1 to ${MAX_MILESTONES} milestones`);
    let sum = new Decimal(0);
    for (const m of milestones) {
      const parsed = parseDecimal(m.share);
      if (!parsed.ok || parsed.value.lte(0) || parsed.value.gt(1) || parsed.value.decimalPlaces() > 8)
        throw invalid(
          'milestone_share_invalid',
          'a share is a decimal above 0 and at most 1, 8 places at most',
        );
      if (m.title.trim().length === 0 || m.title.length > 120)
        throw invalid('milestone_title_invalid', "a milestone's title is 1-120 characters");
      shares.push(parsed.value);
      sum = sum.plus(parsed.value);
    }
    if (!sum.eq(1))
      throw invalid('milestone_shares_must_sum_to_one', 'the shares sum to exactly 1', {
        sum: sum.toFixed(),
      });
  }
  const story = sanitiseStory(input.story);
  return { story, shares, imageIds: [...imageIds, ...storyImageIds(story)] };
}

/** Every picture shown must be one uploaded to this very project. */
async function checkImagesBelong(trx: Executor, projectId: string | null, imageIds: string[]): Promise<void> {
  const foreign = projectId === null ? [...new Set(imageIds)] : await foreignImages(trx, projectId, imageIds);
  if (foreign.length > 0)
    throw invalid('image_not_found', 'a picture shown is not one uploaded to this project', {
      images: foreign,
    });
}

/**
 * Writes a project's tiers and milestones as the input has them, position by position: a part that
 * is already as given is left alone (its id too), one that differs is updated in place, a new
 * position is inserted and a position no longer given is deleted. Returns how many rows changed, so
 * that an edit repeating the stored version changes nothing (PUT is idempotent: docs/crowdfunding.md).
 */
async function writeParts(
  trx: Executor,
  projectId: string,
  input: ProjectInput,
  shares: Decimal[],
): Promise<number> {
  let changed = 0n;
  for (const [i, tier] of input.tiers.entries()) {
    const written =
      await sql`insert into crowdfunding_tiers as t (id, project_id, position, title, description, price,
        quantity, delivery_month, shipping)
      values (${uuidv7()}, ${projectId}, ${i + 1}, ${tier.title}, ${tier.description}, ${tier.price}, ${tier.quantity},
        ${tier.deliveryMonth}, ${tier.shipping})
      on conflict (project_id, position) do update set title = excluded.title, description = excluded.description,
        price = excluded.price, quantity = excluded.quantity, delivery_month = excluded.delivery_month,
        shipping = excluded.shipping
      where (t.title, t.description, t.price, t.quantity, t.delivery_month, t.shipping) is distinct from
        (excluded.title, excluded.description, excluded.price, excluded.quantity, excluded.delivery_month, excluded.shipping)`.execute(
        trx,
      );
    changed += written.numAffectedRows ?? 0n;
  }
  const milestones = input.payout.kind === 'milestones' ? input.payout.milestones : [];
  for (const [i, m] of milestones.entries()) {
    const written =
      await sql`insert into crowdfunding_milestones as m (id, project_id, position, title, share)
      values (${uuidv7()}, ${projectId}, ${i + 1}, ${m.title}, ${shares[i]!.toFixed()})
      on conflict (project_id, position) do update set title = excluded.title, share = excluded.share
      where (m.title, m.share) is distinct from (excluded.title, excluded.share)`.execute(trx);
    changed += written.numAffectedRows ?? 0n;
  }
  const tiersGone = await sql`delete from crowdfunding_tiers where project_id = ${projectId}::uuid
    and position > ${input.tiers.length}`.execute(trx);
  const milestonesGone = await sql`delete from crowdfunding_milestones where project_id = ${projectId}::uuid
    and position > ${milestones.length}`.execute(trx);
  return Number(changed + (tiersGone.numAffectedRows ?? 0n) + (milestonesGone.numAffectedRows ?? 0n));
}

/** A verified customer's new draft. */
export async function createProject(
  context: CrowdfundingContext,
  creatorId: string,
  input: ProjectInput,
): Promise<Project> {
  const { story, shares, imageIds } = checkProject(context, input);
  // A new project has no pictures yet: they are uploaded to its draft.
  await checkImagesBelong(context.db, null, imageIds);
  const facts = await context.identity.kyc.identityFacts(creatorId);
  if (facts.kycLevel < 1)
    throw ruleViolation('kyc_required', 'verify your identity before you start a project');
  const id = uuidv7();
  const now = context.clock.now();
  await inTransaction(context.db, async (trx) => {
    await sql`insert into crowdfunding_projects (id, creator_id, status, title, story, images, category, target, duration_days,
        payout_kind, created_at, updated_at)
      values (${id}, ${creatorId}, 'draft', ${input.title}, ${story}, ${JSON.stringify(input.images)}::jsonb, ${input.category},
        ${input.target}, ${input.durationDays}, ${input.payout.kind}, ${now}, ${now})`.execute(trx);
    await writeParts(trx, id, input, shares);
  });
  return loadProject(context.db, context.clock, id);
}

/** The creator's own project, locked; anyone else's answers 404 (ids are not secrets, projects in draft are). */
async function ownRow(trx: Executor, creatorId: string, projectId: string): Promise<ProjectRow> {
  const row = await projectRow(trx, projectId, true);
  if (row.creator_id !== creatorId) throw notFound('project_not_found', 'no such project');
  return row;
}

export async function editProject(
  context: CrowdfundingContext,
  creatorId: string,
  projectId: string,
  input: ProjectInput,
): Promise<Project> {
  const { story, shares, imageIds } = checkProject(context, input);
  await inTransaction(context.db, async (trx) => {
    const row = await ownRow(trx, creatorId, projectId);
    if (!EDITABLE.has(row.status))
      throw conflict(
        'project_not_editable',
        'a project can be edited only as a draft or when changes were asked for',
        {
          status: row.status,
        },
      );
    await checkImagesBelong(trx, projectId, imageIds);
    // Only what differs is written, and the project's updated_at moves only if something did: the
    // same version sent again (a retried PUT) changes nothing, ids of tiers and milestones included.
    const fields = await sql`update crowdfunding_projects set title = ${input.title}, story = ${story},
        images = ${JSON.stringify(input.images)}::jsonb, category = ${input.category}, target = ${input.target},
        duration_days = ${input.durationDays}, payout_kind = ${input.payout.kind}
      where id = ${projectId}::uuid and (title, story, images, category, target, duration_days, payout_kind)
        is distinct from (${input.title}, ${story}, ${JSON.stringify(input.images)}::jsonb, ${input.category},
          ${input.target}::int8, ${input.durationDays}::int, ${input.payout.kind})`.execute(trx);
    const parts = await writeParts(trx, projectId, input, shares);
    if ((fields.numAffectedRows ?? 0n) > 0n || parts > 0)
      await sql`update crowdfunding_projects set updated_at = ${context.clock.now()}
        where id = ${projectId}::uuid`.execute(trx);
  });
  return loadProject(context.db, context.clock, projectId);
}

/** What the decision engine and the project history say about the creator, for the reviewer. */
async function assessCreator(context: CrowdfundingContext, row: ProjectRow): Promise<RiskSummary> {
  const facts = await context.identity.kyc.identityFacts(row.creator_id);
  const history = await sql<{ projects: number; succeeded: number; failed: number; refused: number }>`
    select count(*)::int as projects, count(*) filter (where status = 'succeeded')::int as succeeded,
      count(*) filter (where status = 'failed')::int as failed, count(*) filter (where status = 'refused')::int as refused
    from crowdfunding_projects where creator_id = ${row.creator_id}::uuid and id <> ${row.id}::uuid`.execute(
    context.db,
  );
  try {
    const decision = await context.risk.decide({
      applicantId: row.creator_id,
      product: `crowdfunding:${row.id}`,
      amount: row.target,
      termMonths: 12,
      purpose: 'crowdfunding',
      monthlyIncome: 0n,
      monthlyDebt: 0n,
    });
    return {
      decisionId: decision.decisionId,
      outcome: decision.outcome,
      grade: decision.grade,
      reasons: [...decision.reasons],
      kycLevel: facts.kycLevel,
      history: history.rows[0]!,
    };
  } catch (error) {
    // The engine refusing to decide (no consent to a source, say) is itself what the reviewer sees.
    if (!(error instanceof DomainError)) throw error;
    return {
      decisionId: null,
      outcome: 'unavailable',
      grade: null,
      reasons: [error.code],
      kycLevel: facts.kycLevel,
      history: history.rows[0]!,
    };
  }
}

export async function submitProject(
  context: CrowdfundingContext,
  creatorId: string,
  projectId: string,
): Promise<Project> {
  const before = await projectRow(context.db, projectId);
  if (before.creator_id !== creatorId) throw notFound('project_not_found', 'no such project');
  if (!EDITABLE.has(before.status))
    throw conflict('project_not_editable', 'only a draft or a project sent back for changes is submitted', {
      status: before.status,
    });
  const facts = await context.identity.kyc.identityFacts(creatorId);
  if (facts.kycLevel < 1)
    throw ruleViolation('kyc_required', 'verify your identity before you submit a project');
  const tiers = await sql<{
    n: number;
  }>`select count(*)::int as n from crowdfunding_tiers where project_id = ${projectId}::uuid`.execute(
    context.db,
  );
  if (tiers.rows[0]!.n === 0 && before.story.length === 0)
    throw ruleViolation('project_incomplete', 'a project needs its story');
  const risk = await assessCreator(context, before);
  await inTransaction(context.db, async (trx) => {
    const row = await ownRow(trx, creatorId, projectId);
    if (row.updated_at.getTime() !== before.updated_at.getTime() || !EDITABLE.has(row.status))
      throw conflict('project_changed', 'the project changed while it was being submitted; submit it again');
    const now = context.clock.now();
    await sql`update crowdfunding_projects set status = 'submitted', risk = ${JSON.stringify(risk)}::jsonb,
        submitted_at = ${now}, updated_at = ${now} where id = ${projectId}::uuid`.execute(trx);
  });
  return loadProject(context.db, context.clock, projectId);
}

export type ReviewDecision =
  | { readonly decision: 'approve'; readonly note?: string }
  | { readonly decision: 'request_changes'; readonly reason: string }
  | { readonly decision: 'refuse'; readonly code: RefusalReason; readonly reason: string };

/** Staff decide a submitted project; the decision is audited with the project's row. */
export async function reviewProject(
  context: CrowdfundingContext,
  projectId: string,
  review: ReviewDecision,
  audit: AuditContext,
): Promise<Project> {
  if (review.decision !== 'approve' && review.reason.trim().length === 0)
    throw invalid('reason_required', 'say why');
  await inTransaction(context.db, async (trx) => {
    const row = await projectRow(trx, projectId, true);
    if (row.status !== 'submitted')
      throw conflict('project_not_submitted', 'only a submitted project is reviewed', { status: row.status });
    const reviewer = audit.principal.userId;
    if (reviewer !== null && reviewer === row.creator_id)
      throw ruleViolation('own_project', 'you cannot review your own project');
    const status =
      review.decision === 'approve'
        ? 'approved'
        : review.decision === 'refuse'
          ? 'refused'
          : 'changes_requested';
    const note = review.decision === 'approve' ? (review.note ?? null) : review.reason;
    const code = review.decision === 'refuse' ? review.code : null;
    await sql`update crowdfunding_projects set status = ${status}, review_note = ${note}, refusal_code = ${code},
        reviewed_by = ${reviewer}, updated_at = ${context.clock.now()} where id = ${projectId}::uuid`.execute(
      trx,
    );
    await context.identity.audit(
      audit,
      {
        action: `crowdfunding.project_${status}`,
        subjectType: 'crowdfunding_project',
        subjectId: projectId,
        after: { status, note, code },
      },
      trx,
    );
  });
  return loadProject(context.db, context.clock, projectId);
}

/**
 * The creator of an approved project picks when it goes live (now or later): the deadline follows
 * from the duration, and the project's ledger accounts are opened.
 */
export async function scheduleProject(
  context: CrowdfundingContext,
  creatorId: string,
  projectId: string,
  launchAt: Date,
): Promise<Project> {
  const now = context.clock.now();
  // A minute's grace: "now" as the creator's page computed it reaches the server a moment later.
  if (launchAt.getTime() < now.getTime() - 60_000)
    throw invalid('launch_in_the_past', 'the launch time is now or later');
  if (launchAt.getTime() > now.getTime() + 365 * 86_400_000)
    throw invalid('launch_too_far', 'the launch time is within a year');
  await inTransaction(context.db, async (trx) => {
    const row = await ownRow(trx, creatorId, projectId);
    if (row.status !== 'approved' && !(row.status === 'scheduled' && row.launch_at && row.launch_at > now))
      throw conflict('project_not_approved', 'only an approved project that is not yet live is scheduled', {
        status: row.status,
      });
    const launch = launchAt < now ? now : launchAt;
    const deadline = new Date(launch.getTime() + row.duration_days * 86_400_000);
    await sql`update crowdfunding_projects set status = 'scheduled', launch_at = ${launch}, deadline_at = ${deadline},
        deadline_on = ${dateInZone(deadline, BUSINESS_TIME_ZONE)}, updated_at = ${now} where id = ${projectId}::uuid`.execute(
      trx,
    );
    await createProjectAccounts(context.ledger, trx, projectId);
  });
  return loadProject(context.db, context.clock, projectId);
}
