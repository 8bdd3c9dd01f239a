/**
 * Chinese and English. Each area of the app keeps its messages beside its pages, in a `messages.ts`
 * that exports `{ namespace, en, zh }`; they are all found here at build time. The choice is
 * remembered; `?lang=en` (or `?lang=zh`) picks one from a link.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

export type Language = 'zh' | 'en';
export interface Messages {
  readonly namespace: string;
  readonly en: Record<string, unknown>;
  readonly zh: Record<string, unknown>;
}

const STORAGE_KEY = 'netfin.lang';
const modules = import.meta.glob<{ default: Messages }>('../**/messages.ts', { eager: true });

function initialLanguage(): Language {
  const asked = new URLSearchParams(window.location.search).get('lang');
  if (asked === 'en' || asked === 'zh') {
    localStorage.setItem(STORAGE_KEY, asked);
    return asked;
  }
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'en' || stored === 'zh' ? stored : 'zh';
}

const resources: Record<Language, Record<string, Record<string, unknown>>> = { en: {}, zh: {} };
for (const module of Object.values(modules)) {
  const { namespace, en, zh } = module.default;
  resources.en[namespace] = en;
  resources.zh[namespace] = zh;
}

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18n.language === 'zh' ? 'zh-CN' : 'en';

export function setLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  void i18n.changeLanguage(language);
}

export function currentLanguage(): Language {
  return i18n.language === 'en' ? 'en' : 'zh';
}

/** A name kept in English (`name`) and Chinese (`nameZh`): the page's language's, else the English. */
export function localName(named: { name?: string | undefined; nameZh?: string | undefined }): string {
  return (currentLanguage() === 'zh' ? named.nameZh : undefined) ?? named.name ?? '—';
}

/** Dates as the user's locale writes them; the API's dates are 'YYYY-MM-DD' or ISO timestamps. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const locale = currentLanguage() === 'zh' ? 'zh-CN' : 'en-GB';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
      new Date(Date.UTC(y, m - 1, d)),
    );
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
}

export default i18n;
