import { sql } from 'kysely';
import { type Executor, inTransaction } from '../../db/index.ts';
import { type AuditContext, actorId } from '../../identity/index.ts';
import {
  addDays,
  compareDates,
  conflict,
  invalid,
  isStorableText,
  type PlainDate,
  parseDate,
  uuidv7,
} from '../../kernel/index.ts';
import { checkOwner, type PipelineContext, type Viewer } from './context.ts';
import { dueInstant, planTask, type TaskPlan } from './due.ts';
import { type ProspectRow, prospectDetail, prospectRow } from './prospects.ts';
import { loadSettings, type PipelineSettings, type Stage, type Target } from './settings.ts';

/** What a stage change may carry: why (a note), and each stage's own fields. */
export interface StageInput {
  readonly note?: string | undefined;
  /** not_now: the date the prospect expects to buy. */
  readonly expectedOn?: string | undefined;
  /** definitely_not: a reason from the configured list, and free text (required for "other"). */
  readonly reasonCode?: string | undefined;
  readonly reasonText?: string | undefined;
}

export interface CheckedInput {
  readonly note: string | null;
  readonly expectedOn: PlainDate | null;
  readonly reasonCode: string | null;
  readonly reasonText: string | null;
}

/** How far ahead a "not now" prospect may say they expect to buy. */
const MAX_EXPECTED_DAYS = 3 * 366;

function text(value: string | undefined, max: number, field: string): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed.length > max) throw invalid('text_too_long', `${field} is longer than ${max} characters`);
  if (!isStorableText(trimmed))
    throw invalid('text_malformed', `${field} holds characters that cannot be stored`);
  return trimmed === '' ? null : trimmed;
}

/** Each stage's required fields, checked before anything is written: a missing one is a 400. */
export function checkStageInput(
  settings: PipelineSettings,
  target: Target,
  input: StageInput,
  today: PlainDate,
): CheckedInput {
  const note = text(input.note, 2000, 'note');
  let expectedOn: PlainDate | null = null;
  let reasonCode: string | null = null;
  let reasonText: string | null = null;
  if (target === 'not_now') {
    if (input.expectedOn === undefined)
      throw invalid('expected_date_required', '"not now" records when the prospect expects to buy');
    const parsed = parseDate(input.expectedOn);
    if (!parsed.ok) throw invalid('date_malformed', 'expectedOn is not a date (YYYY-MM-DD)');
    if (compareDates(parsed.value, today) <= 0)
      throw invalid('expected_date_not_future', 'the date they expect to buy must be after today');
    if (compareDates(parsed.value, addDays(today, MAX_EXPECTED_DAYS)) > 0)
      throw invalid('expected_date_too_far', 'the date they expect to buy is more than three years ahead');
    expectedOn = parsed.value;
  }
  if (target === 'definitely_not') {
    if (input.reasonCode === undefined || input.reasonCode === '')
      throw invalid('reason_required', '"definitely not" records why, from the list of reasons');
    if (!settings.reasons.some((r) => r.code === input.reasonCode))
      throw invalid('reason_unknown', 'not one of the configured reasons');
    reasonCode = input.reasonCode;
    reasonText = text(input.reasonText, 2000, 'reasonText');
    if (reasonCode === 'other' && reasonText === null)
      throw invalid('reason_text_required', 'the reason "other" needs a few words of why');
  }
  return { note, expectedOn, reasonCode, reasonText };
}

/**
 * The task a stage change will create, dated on the business calendar. It is read before the
 * transaction that writes the change: the calendar is another context's, read on its own connection,
 * and PGlite's single connection would wait on the open transaction for ever. An input the
 * transaction will refuse (checkStageInput) gets no plan.
 */
export async function planFor(context: PipelineContext, target: Target, input: StageInput) {
  if (target === 'left') return null;
  const today = context.clock.businessDate();
  const parsed = input.expectedOn === undefined ? null : parseDate(input.expectedOn);
  const expectedOn = parsed?.ok && compareDates(parsed.value, today) > 0 ? parsed.value : null;
  return planTask(context.calendar, target, today, expectedOn);
}

/**
 * Writes a stage change in the caller's transaction, the prospect row locked: the change itself (who,
 * when, from, to, why), the open tasks of the stage left behind cancelled, and the new stage's task.
 */
export async function recordChange(
  context: PipelineContext,
  trx: Executor,
  settings: PipelineSettings,
  row: ProspectRow,
  from: Target | null,
  to: Target,
  input: CheckedInput,
  plan: TaskPlan | null,
  audit: AuditContext,
) {
  const now = context.clock.now();
  const today = context.clock.businessDate();
  const by = actorId(audit.principal);
  const changeId = uuidv7();
  await sql`update crm_tasks set status = 'cancelled', outcome = 'stage changed', closed_at = ${now}, closed_by = ${by}
            where prospect_id = ${row.id} and status = 'open'`.execute(trx);
  await sql`insert into crm_stage_changes (id, prospect_id, from_stage, to_stage, changed_by, changed_at, business_date,
              note, reason_code, reason_text, expected_on, product_interest)
            values (${changeId}, ${row.id}, ${from}, ${to}, ${by}, ${now}, ${today}::date, ${input.note},
              ${input.reasonCode}, ${input.reasonText}, ${input.expectedOn}::date, ${row.product_interest})`.execute(
    trx,
  );
  let taskId: string | null = null;
  if (plan) {
    taskId = uuidv7();
    const suggestions =
      to === 'definitely_not' ? [] : settings.content[to as Exclude<Stage, 'definitely_not'>];
    await sql`insert into crm_tasks (id, prospect_id, stage_change_id, owner_id, kind, due_on, due_at, notes, suggestions, status, created_at)
              values (${taskId}, ${row.id}, ${changeId}, ${row.owner_id}::uuid, ${plan.kind}, ${plan.dueOn}::date,
                ${dueInstant(plan.dueOn, settings.dueHour)}, ${input.note}, ${JSON.stringify(suggestions)}::jsonb,
                'open', ${now})`.execute(trx);
  }
  await context.identity.audit(
    audit,
    {
      action: 'crm.stage_change',
      subjectType: 'crm_prospect',
      subjectId: row.id,
      details: { from, to, reasonCode: input.reasonCode, expectedOn: input.expectedOn, taskId },
    },
    trx,
  );
  return { changeId, taskId };
}

/**
 * Moves a prospect to a stage (or out of the pipeline). Changes to one prospect are serialised by a
 * lock on its row, so that each change's "from" is the stage the one before it left.
 */
export async function changeStage(
  context: PipelineContext,
  prospectId: string,
  viewer: Viewer,
  target: Target,
  input: StageInput,
  audit: AuditContext,
) {
  const plan = await planFor(context, target, input);
  await inTransaction(context.db, async (trx) => {
    const row = await prospectRow(context, trx, prospectId, true);
    checkOwner(row.owner_id, viewer, 'prospect');
    if (row.stage === 'left') throw conflict('prospect_left', 'the prospect has left the pipeline');
    const current = await loadSettings(trx);
    const checked = checkStageInput(current, target, input, context.clock.businessDate());
    await sql`update crm_prospects set stage = ${target}, updated_at = ${context.clock.now()},
                expected_on = ${checked.expectedOn}::date,
                reason_code = ${checked.reasonCode}, reason_text = ${checked.reasonText}
              where id = ${row.id}`.execute(trx);
    await recordChange(context, trx, current, row, row.stage, target, checked, plan, audit);
  });
  return prospectDetail(context, prospectId, viewer);
}
