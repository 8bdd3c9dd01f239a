import i18n from './i18n/index.ts';

/** An internal key in words, for when no message names it: "rule_set_edited" → "Rule set edited". */
export function humanise(key: string): string {
  const words = key.replace(/[._:-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : '—';
}

/** The message for `key` under `prefix` in a namespace when there is one; otherwise `fallback`. */
export function wordsFor(namespace: string, prefix: string, key: string, fallback: () => string): string {
  const full = `${namespace}:${prefix}.${key}`;
  return i18n.exists(full) ? i18n.t(full) : fallback();
}
