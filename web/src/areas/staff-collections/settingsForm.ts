import { ApiError } from '../../api.ts';
import i18n from '../../i18n/index.ts';
import { STAGES } from './types.ts';

export type Stage = (typeof STAGES)[number];
export const TIERS = ['junior', 'senior', 'agency', 'legal'] as const;
export const ASSIGNMENTS = ['round_robin', 'load', 'region'] as const;
export const REQUIRED_TEMPLATES = ['reminder', 'overdue'];
export const TEMPLATE_NAME = /^[a-z][a-z0-9_]{0,39}$/;

/** GET/PUT /v1/collections/settings (src/collections/settings.ts). */
export interface Settings {
  stages: Record<Stage, { tier: string; phoneFromDay: number; smsOnDays: number[] }>;
  remindDaysBefore: number[];
  assignment: string;
  conduct: { earliestHour: number; latestHour: number; maxContactsPerDay: number; timeZone: string };
  smsTemplates: Record<string, string>;
}

/** The form holds day lists as tag text and the templates as a list of name and text. */
export interface FormValues {
  stages: Record<Stage, { tier: string; phoneFromDay: number; smsOnDays: string[] }>;
  remindDaysBefore: string[];
  assignment: string;
  conduct: Settings['conduct'];
  smsTemplates: { name: string; text: string }[];
}

export function toForm(s: Settings): FormValues {
  const stages = Object.fromEntries(
    STAGES.map((stage) => [stage, { ...s.stages[stage], smsOnDays: s.stages[stage].smsOnDays.map(String) }]),
  ) as FormValues['stages'];
  return {
    stages,
    remindDaysBefore: s.remindDaysBefore.map(String),
    assignment: s.assignment,
    conduct: s.conduct,
    smsTemplates: Object.entries(s.smsTemplates).map(([name, text]) => ({ name, text })),
  };
}

/** Day counts (not money): whole numbers typed as tags. */
const days = (values: string[]) => values.map((v) => Number(v.trim()));

export function fromForm(v: FormValues): Settings {
  const stages = Object.fromEntries(
    STAGES.map((stage) => [stage, { ...v.stages[stage], smsOnDays: days(v.stages[stage].smsOnDays ?? []) }]),
  ) as Settings['stages'];
  return {
    stages,
    remindDaysBefore: days(v.remindDaysBefore ?? []),
    assignment: v.assignment,
    conduct: v.conduct,
    smsTemplates: Object.fromEntries((v.smsTemplates ?? []).map((t) => [t.name.trim(), t.text])),
  };
}

/** A tag list's rule: whole days from min to max, at most `most` of them. */
export function dayListProblem(values: string[] | undefined, min: number, max: number, most: number) {
  const list = values ?? [];
  if (list.length > most) return i18n.t('staffCollections:settings.tooMany', { most });
  if (list.some((v) => !/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max))
    return i18n.t('staffCollections:settings.dayRange', { min, max });
  return null;
}

/**
 * The API answers a bad setting with `collection_settings_invalid` and "path: message" (or "path must
 * …"): the field it names, for the form to show the message beside it.
 */
export function settingsFieldError(
  error: unknown,
  values: FormValues,
): { name: any; errors: string[] } | null {
  if (!(error instanceof ApiError) || error.code !== 'collection_settings_invalid') return null;
  const path = /^([A-Za-z0-9_.+]+)/.exec(error.message)?.[1] ?? '';
  const detail = error.message.includes(': ') ? error.message.slice(error.message.indexOf(': ') + 2) : '';
  const text =
    i18n.language === 'zh'
      ? i18n.t('staffCollections:settings.invalidField', { detail: detail || error.message })
      : error.message;
  const parts = path.split('.');
  if (parts[0] === 'stages' && parts[1] && parts[2]) return { name: parts.slice(0, 3), errors: [text] };
  if (parts[0] === 'conduct' && parts[1]) return { name: ['conduct', parts[1]], errors: [text] };
  if (parts[0] === 'remindDaysBefore' || parts[0] === 'assignment')
    return { name: [parts[0]], errors: [text] };
  if (parts[0] === 'smsTemplates' && parts[1]) {
    const index = values.smsTemplates.findIndex((t) => t.name.trim() === parts[1]);
    if (index >= 0) return { name: ['smsTemplates', index, 'text'], errors: [text] };
  }
  return null;
}
