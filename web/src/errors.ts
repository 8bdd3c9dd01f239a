import { ApiError } from './api.ts';
import i18n from './i18n/index.ts';

/** `NS:errors.CODE` in the first namespace that translates the code (common first, then each area's). */
function errorKey(code: string): string | undefined {
  const namespaces = ['common', ...Object.keys(i18n.store.data.zh ?? {}).filter((ns) => ns !== 'common')];
  for (const ns of namespaces) {
    const key = `${ns}:errors.${code}`;
    if (i18n.exists(key)) return key;
  }
  return undefined;
}

/** An API error in the user's language: Chinese from the code table, English from netfin's message. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const key = errorKey(error.code);
    if (i18n.language === 'zh' && key) return i18n.t(key, { wait: waitText(retryAfter(error) ?? 0) });
    if (i18n.language === 'zh') return `${i18n.t('common:state.error')}（${error.code}）`;
    return error.message || error.code;
  }
  return i18n.t('common:state.error');
}

/** How long a refused request must wait before it is tried again, in seconds, when the API says so. */
export function retryAfter(error: unknown): number | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const seconds = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds : undefined;
}

/** A wait in Chinese words: "45 秒", "12 分钟", "3 小时". */
function waitText(seconds: number): string {
  if (seconds < 120) return ` ${seconds} 秒`;
  if (seconds < 7200) return ` ${Math.ceil(seconds / 60)} 分钟`;
  return ` ${Math.ceil(seconds / 3600)} 小时`;
}

/**
 * Field errors from a 400's details (`{issues: [{path: "a.b", code, message}]}`), for a form to show
 * beside its fields.
 */
export function fieldErrors(error: unknown): { name: any; errors: string[] }[] {
  if (!(error instanceof ApiError)) return [];
  const issues = (error.details as { issues?: { path?: string; code?: string; message?: string }[] })?.issues;
  if (!Array.isArray(issues)) return [];
  return issues
    .filter((issue) => issue.path)
    .map((issue) => {
      const code = issue.message && /^[a-z]+(_[a-z0-9]+)+$/.test(issue.message) ? issue.message : issue.code;
      const key = code ? errorKey(code) : undefined;
      const text = key && i18n.language === 'zh' ? i18n.t(key) : (issue.message ?? code ?? '');
      return { name: (issue.path ?? '').split('.'), errors: [text] };
    });
}
