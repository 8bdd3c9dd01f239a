import type { Executor } from '../../db/index.ts';
import type { AuditContext, Identity } from '../../identity/index.ts';
import { actorId } from '../../identity/index.ts';
import type { Clock, PlainDate } from '../../kernel/index.ts';
import type { PipelineContext, Viewer } from './context.ts';
import type { BusinessCalendar } from './due.ts';
import {
  type CreateProspect,
  createProspect,
  listProspects,
  type ProspectFilter,
  prospectDetail,
} from './prospects.ts';
import { type Period, reasonsReport } from './reasons.ts';
import { checkSettings, loadSettings, saveSettings, type Target } from './settings.ts';
import { changeStage, type StageInput } from './stages.ts';
import { closeTask, listTasks, overdueTasks, reassignTask, type TaskFilter } from './tasks.ts';

export interface PipelineOptions {
  readonly db: Executor;
  readonly clock: Clock;
  readonly identity: Identity;
  readonly calendar: BusinessCalendar;
}

/**
 * The sales pipeline (issue 20, intent stages and follow-up): prospects by stage (interested,
 * hesitating, not now, definitely not), every stage change with who and why, the follow-up tasks the
 * stages create, the manager's overdue view, and the "definitely not" reasons for the product teams.
 */
export class Pipeline {
  private readonly context: PipelineContext;

  constructor(options: PipelineOptions) {
    this.context = options;
  }

  createProspect(viewer: Viewer, input: CreateProspect, audit: AuditContext) {
    return createProspect(this.context, viewer, input, audit);
  }

  prospects(filter: ProspectFilter) {
    return listProspects(this.context, filter);
  }

  prospect(prospectId: string, viewer: Viewer) {
    return prospectDetail(this.context, prospectId, viewer);
  }

  changeStage(prospectId: string, viewer: Viewer, target: Target, input: StageInput, audit: AuditContext) {
    return changeStage(this.context, prospectId, viewer, target, input, audit);
  }

  tasks(filter: TaskFilter) {
    return listTasks(this.context, filter);
  }

  closeTask(
    taskId: string,
    viewer: Viewer,
    input: { status: 'done' | 'cancelled'; outcome: string },
    audit: AuditContext,
  ) {
    return closeTask(this.context, taskId, viewer, input, audit);
  }

  reassignTask(taskId: string, ownerId: string, audit: AuditContext) {
    return reassignTask(this.context, taskId, ownerId, audit);
  }

  overdue(limit = 200) {
    return overdueTasks(this.context, limit);
  }

  reasons(range: { from: PlainDate; to: PlainDate; period: Period }) {
    return reasonsReport(this.context, range);
  }

  settings() {
    return loadSettings(this.context.db);
  }

  async saveSettings(input: unknown, audit: AuditContext) {
    const settings = checkSettings(input);
    await saveSettings(this.context.db, this.context.clock, settings, actorId(audit.principal));
    await this.context.identity.audit(audit, { action: 'crm.pipeline_settings', after: settings });
    return settings;
  }
}
