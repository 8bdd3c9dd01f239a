import { sql } from 'kysely';
import { z } from 'zod';
import type { Executor } from '../../db/index.ts';
import { type Clock, invalid } from '../../kernel/index.ts';

/**
 * The sales pipeline's vocabulary, as configuration operations can change: the content suggested to
 * hesitating prospects, the reasons a prospect may give for "definitely not", the products a prospect
 * may be interested in, and the hour (Asia/Shanghai) at which a task falls due on its day. Every label
 * exists in English and Chinese.
 */
export const STAGES = ['interested', 'hesitating', 'not_now', 'definitely_not'] as const;
export type Stage = (typeof STAGES)[number];
/** A stage, or leaving the pipeline. */
export const TARGETS = [...STAGES, 'left'] as const;
export type Target = (typeof TARGETS)[number];
export const TASK_KINDS = ['follow_up', 'nurture', 'check_in'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

const CODE = /^[a-z][a-z0-9_]{0,39}$/;
const label = z.object({ en: z.string().min(1).max(200), zh: z.string().min(1).max(200) }).strict();
const coded = z.object({ code: z.string().regex(CODE), label }).strict();
const contentItem = z
  .object({ id: z.string().regex(CODE), title: label, url: z.string().max(500).optional() })
  .strict();

export const settingsSchema = z
  .object({
    /** Content to suggest with a stage's task (hesitating prospects: build trust, little selling). */
    content: z
      .object({
        interested: z.array(contentItem).max(10),
        hesitating: z.array(contentItem).max(10),
        not_now: z.array(contentItem).max(10),
      })
      .strict(),
    reasons: z.array(coded).min(1).max(30),
    products: z.array(coded).min(1).max(30),
    /** The hour of the due day by which a task is due, in the business time zone. */
    dueHour: z.number().int().min(1).max(24),
  })
  .strict();
export type PipelineSettings = z.infer<typeof settingsSchema>;
export type ContentItem = z.infer<typeof contentItem>;

export const DEFAULT_SETTINGS: PipelineSettings = {
  content: {
    interested: [],
    hesitating: [
      {
        id: 'how_funds_are_held',
        title: {
          en: 'How your money is held: custody and the risk reserve',
          zh: '资金如何存管：银行存管与风险准备金',
        },
      },
      {
        id: 'disclosure_figures',
        title: { en: 'The platform figures we publish every day', zh: '平台每日公开的信息披露数据' },
      },
      {
        id: 'customer_stories',
        title: { en: 'Stories from customers who started small', zh: '从小额开始的客户故事' },
      },
    ],
    not_now: [
      {
        id: 'product_calendar',
        title: { en: 'Upcoming products and their dates', zh: '即将发售的产品及日期' },
      },
    ],
  },
  reasons: [
    { code: 'rate_too_low', label: { en: 'Return too low', zh: '收益率太低' } },
    { code: 'rate_too_high', label: { en: 'Borrowing cost too high', zh: '借款成本太高' } },
    { code: 'trust', label: { en: 'Does not trust online platforms', zh: '不信任网络平台' } },
    { code: 'competitor', label: { en: 'Chose another provider', zh: '选择了其他机构' } },
    { code: 'no_need', label: { en: 'No need for the product', zh: '没有需求' } },
    { code: 'other', label: { en: 'Other', zh: '其他' } },
  ],
  products: [
    { code: 'lending', label: { en: 'Loans', zh: '借款' } },
    { code: 'investing', label: { en: 'Lending marketplace investing', zh: '出借投资' } },
    { code: 'wealth', label: { en: 'Wealth products', zh: '理财产品' } },
    { code: 'credit', label: { en: 'Credit line', zh: '信用额度' } },
  ],
  dueHour: 18,
};

export function checkSettings(input: unknown): PipelineSettings {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid('pipeline_settings_invalid', `${issue.path.join('.') || 'settings'}: ${issue.message}`);
  }
  const s = parsed.data;
  for (const [name, list] of [
    ['reasons', s.reasons.map((r) => r.code)],
    ['products', s.products.map((p) => p.code)],
  ] as const)
    if (new Set(list).size !== list.length)
      throw invalid('pipeline_settings_invalid', `${name}: codes must be unique`);
  return s;
}

export async function loadSettings(db: Executor): Promise<PipelineSettings> {
  const rows = await sql<{ settings: PipelineSettings }>`select settings from crm_pipeline_settings`.execute(
    db,
  );
  return rows.rows[0]?.settings ?? DEFAULT_SETTINGS;
}

export async function saveSettings(db: Executor, clock: Clock, settings: PipelineSettings, by: string) {
  await sql`insert into crm_pipeline_settings (id, settings, updated_at, updated_by)
            values (true, ${JSON.stringify(settings)}::jsonb, ${clock.now()}, ${by})
            on conflict (id) do update set settings = excluded.settings, updated_at = excluded.updated_at,
              updated_by = excluded.updated_by`.execute(db);
}
