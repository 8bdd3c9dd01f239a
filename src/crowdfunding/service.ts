import { sql } from 'kysely';
import type { BatchStep } from '../batch/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { type Clock, notFound } from '../kernel/index.ts';
import { projectAccount } from './accounts.ts';
import * as after from './after.ts';
import {
  type BackByCardInput,
  type BackInput,
  back,
  backByCard,
  backingsOf,
  cancelBacking,
  completeCardBacking,
} from './backings.ts';
import type { CrowdfundingContext } from './context.ts';
import { imagesOf, readImage, uploadImage } from './images.ts';
import {
  type Category,
  loadProject,
  loadProjects,
  PROJECT_COLUMNS,
  type Project,
  type ProjectRow,
  type ProjectStatus,
} from './model.ts';
import { refundBacking, reviewMilestone, submitMilestone } from './payouts.ts';
import {
  createProject,
  editProject,
  type ProjectInput,
  type ReviewDecision,
  reviewProject,
  scheduleProject,
  submitProject,
} from './projects.ts';
import { pruneImagesStep } from './prune-images.ts';
import { settleStep } from './settle.ts';

export type CrowdfundingOptions = CrowdfundingContext;

/**
 * Crowdfunding's public face: projects from draft to review to launch, backings held in the ledger
 * until day-close decides each project all or nothing, payouts by plan, refunds from escrow.
 */
export class Crowdfunding {
  constructor(
    readonly context: CrowdfundingContext,
    options: { readonly listens?: boolean } = {},
  ) {
    // A backing by card is finished in the transaction that settles its top-up (backings.ts).
    if (options.listens !== false)
      context.payments.onTopUpSettled((trx, order) => completeCardBacking(context, trx, order));
  }

  /**
   * The same service on another clock, for writing a history (the demo's projects that lived in the
   * past): its projects are reviewed, launch and take backings at that clock's time. It shares
   * everything else and registers no second top-up listener.
   */
  withClock(clock: Clock): Crowdfunding {
    return new Crowdfunding({ ...this.context, clock }, { listens: false });
  }

  get settings() {
    return this.context.settings;
  }

  createProject(creatorId: string, input: ProjectInput) {
    return createProject(this.context, creatorId, input);
  }

  editProject(creatorId: string, projectId: string, input: ProjectInput) {
    return editProject(this.context, creatorId, projectId, input);
  }

  /** A picture added to the creator's draft (PNG, JPEG or WebP by its bytes; images.ts). */
  uploadImage(creatorId: string, projectId: string, input: { contentType: string; bytes: Uint8Array }) {
    return uploadImage(this.context, creatorId, projectId, input);
  }

  /** The pictures uploaded to the creator's own project. */
  async imagesOf(creatorId: string, projectId: string) {
    await this.ownProject(creatorId, projectId);
    return imagesOf(this.context.db, projectId);
  }

  /** A picture's bytes: public once its project is, before that for its creator and staff only. */
  readImage(imageId: string, viewer: { userId: string | null; staff: boolean }) {
    return readImage(this.context, imageId, viewer);
  }

  submitProject(creatorId: string, projectId: string) {
    return submitProject(this.context, creatorId, projectId);
  }

  reviewProject(projectId: string, review: ReviewDecision, audit: AuditContext) {
    return reviewProject(this.context, projectId, review, audit);
  }

  scheduleProject(creatorId: string, projectId: string, launchAt: Date) {
    return scheduleProject(this.context, creatorId, projectId, launchAt);
  }

  /** Any project, for staff. */
  project(projectId: string): Promise<Project> {
    return loadProject(this.context.db, this.context.clock, projectId);
  }

  /** The creator's own project in any state (404 for anyone else's). */
  async ownProject(creatorId: string, projectId: string): Promise<Project> {
    const project = await this.project(projectId);
    if (project.creatorId !== creatorId) throw notFound('project_not_found', 'no such project');
    return project;
  }

  async projectsOf(creatorId: string): Promise<Project[]> {
    const rows = await sql<ProjectRow>`select ${PROJECT_COLUMNS} from crowdfunding_projects
      where creator_id = ${creatorId}::uuid order by created_at desc limit 200`.execute(this.context.db);
    return loadProjects(this.context.db, this.context.clock, rows.rows);
  }

  /** Projects by status for staff (the review queue is status 'submitted'). */
  async projectsByStatus(status: ProjectStatus | undefined, limit: number): Promise<Project[]> {
    const rows = await sql<ProjectRow>`select ${PROJECT_COLUMNS} from crowdfunding_projects
      where ${status ? sql`status = ${status}` : sql`true`} order by updated_at desc, id desc limit ${limit}`.execute(
      this.context.db,
    );
    return loadProjects(this.context.db, this.context.clock, rows.rows);
  }

  /**
   * The public list: live projects (launched, deadline not passed, not yet settled), by category,
   * most backers first (popular), nearest deadline first (ending soon) or latest launch first (newest).
   */
  async discover(filter: {
    category?: Category;
    sort: 'popular' | 'ending_soon' | 'newest';
    limit: number;
  }): Promise<Project[]> {
    const now = this.context.clock.now();
    const order =
      filter.sort === 'popular'
        ? sql`backers desc, pledged desc, id`
        : filter.sort === 'ending_soon'
          ? sql`deadline_at asc, id`
          : sql`launch_at desc, id`;
    const rows = await sql<ProjectRow>`select ${PROJECT_COLUMNS} from crowdfunding_projects
      where status = 'scheduled' and launch_at <= ${now} and deadline_at > ${now}
        ${filter.category ? sql`and category = ${filter.category}` : sql``}
      order by ${order} limit ${filter.limit}`.execute(this.context.db);
    return loadProjects(this.context.db, this.context.clock, rows.rows);
  }

  /** A project as anyone may see it: launched (live or settled); a draft or one under review is 404. */
  async publicProject(projectId: string): Promise<Project> {
    const project = await this.project(projectId);
    if (!(project.phase === 'live' || project.phase === 'succeeded' || project.phase === 'failed'))
      throw notFound('project_not_found', 'no such project');
    return project;
  }

  back(backerId: string, projectId: string, input: BackInput) {
    return back(this.context, backerId, projectId, input);
  }

  /** Back by card through the channel: the backing waits for the top-up's settlement (backings.ts). */
  backByCard(backerId: string, projectId: string, input: BackByCardInput) {
    return backByCard(this.context, backerId, projectId, input);
  }

  cancelBacking(backerId: string, backingId: string) {
    return cancelBacking(this.context, backerId, backingId);
  }

  backingsOf(backerId: string) {
    return backingsOf(this.context.db, { backerId });
  }

  backingsOfProject(projectId: string) {
    return backingsOf(this.context.db, { projectId });
  }

  submitMilestone(creatorId: string, projectId: string, evidence: string) {
    return submitMilestone(this.context, creatorId, projectId, evidence);
  }

  reviewMilestone(projectId: string, review: Parameters<typeof reviewMilestone>[2], audit: AuditContext) {
    return reviewMilestone(this.context, projectId, review, audit);
  }

  refundByCreator(creatorId: string, backingId: string, input: { amount: bigint; reason: string }) {
    return refundBacking(this.context, backingId, input, { creatorId });
  }

  refundByStaff(
    backingId: string,
    input: { amount: bigint; reason: string; complaintId?: string },
    audit: AuditContext,
  ) {
    return refundBacking(this.context, backingId, input, { staff: audit });
  }

  /** What escrow holds now for a project. */
  async escrowBalance(projectId: string): Promise<bigint> {
    const account = await this.context.ledger.getAccount(projectAccount.escrow(projectId));
    return account ? account.creditsPosted - account.debitsPosted : 0n;
  }

  postUpdate(creatorId: string, projectId: string, input: { title: string; body: string }) {
    return after.postUpdate(this.context, creatorId, projectId, input);
  }

  updatesOf(projectId: string) {
    return after.updatesOf(this.context, projectId);
  }

  setAddress(backerId: string, backingId: string, address: after.ShippingAddress) {
    return after.setAddress(this.context, backerId, backingId, address);
  }

  shippingList(projectId: string, viewer: { creatorId: string } | 'staff') {
    return after.shippingList(this.context, projectId, viewer);
  }

  markDelivery(creatorId: string, backingId: string, input: Parameters<typeof after.markDelivery>[3]) {
    return after.markDelivery(this.context, creatorId, backingId, input);
  }

  openComplaint(backerId: string, backingId: string, text: string) {
    return after.openComplaint(this.context, backerId, backingId, text);
  }

  /** The backer's own complaints, with their answers and refunds. */
  complaintsOf(backerId: string) {
    return after.complaintsOf(this.context, backerId);
  }

  complaints(status?: 'open' | 'resolved') {
    return after.complaints(this.context, status);
  }

  /** Resolves a complaint, with a refund of its backer from escrow in the same transaction if given. */
  resolveComplaint(
    complaintId: string,
    resolution: string,
    audit: AuditContext,
    refund?: { amount: bigint },
  ) {
    return after.resolveComplaint(this.context, complaintId, resolution, audit, refund);
  }

  comment(authorId: string, projectId: string, body: string) {
    return after.comment(this.context, authorId, projectId, body);
  }

  commentsOf(projectId: string) {
    return after.commentsOf(this.context, projectId);
  }

  daySteps(): BatchStep[] {
    return [settleStep(this.context), pruneImagesStep(this.context)];
  }
}
