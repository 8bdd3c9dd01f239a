import { invalid, isStorableText } from '../kernel/index.ts';

/**
 * Where a sign-up came from, as the web app's landing URL said (issue 20): a channel, a campaign's
 * code, a referrer's code and the UTM parameters. Identity checks its shape and passes it to the
 * sign-up listeners (crm records it in the sign-up's transaction); an unknown campaign or referral
 * code is kept as given and simply links to nobody: a stale link must not stop a sign-up.
 */
export interface SignUpSource {
  readonly channel?: string | undefined;
  readonly campaign?: string | undefined;
  readonly referrer?: string | undefined;
  readonly utm?:
    | {
        readonly source?: string | undefined;
        readonly medium?: string | undefined;
        readonly campaign?: string | undefined;
        readonly term?: string | undefined;
        readonly content?: string | undefined;
      }
    | undefined;
}

/** A campaign's code: as a channel's (users.ts CHANNEL_PATTERN), lower-case letters, digits and underscores. */
export const CAMPAIGN_CODE_PATTERN = /^[a-z0-9_]{1,32}$/;
/** A referral code: 8 characters without 0, 1, I, L and O; accepted in either case. */
export const REFERRAL_CODE_PATTERN = /^[2-9A-HJKMNP-Za-hjkmnp-z]{8}$/;
export const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const;
export const UTM_MAX_LENGTH = 100;

const malformed = (field: string) =>
  invalid('source_malformed', `the sign-up source's ${field} is malformed`, { field });

/** The source checked and normalised (referral code upper-cased, empty UTM values dropped). */
export function checkSignUpSource(source: SignUpSource | undefined): SignUpSource | undefined {
  if (source === undefined) return undefined;
  if (source === null || typeof source !== 'object') throw malformed('source');
  const known = new Set(['channel', 'campaign', 'referrer', 'utm']);
  for (const key of Object.keys(source)) if (!known.has(key)) throw malformed(key);
  if (source.channel !== undefined && !CAMPAIGN_CODE_PATTERN.test(source.channel)) throw malformed('channel');
  if (source.campaign !== undefined && !CAMPAIGN_CODE_PATTERN.test(source.campaign))
    throw malformed('campaign');
  if (source.referrer !== undefined && !REFERRAL_CODE_PATTERN.test(source.referrer))
    throw malformed('referrer');
  const utm: Record<string, string> = {};
  if (source.utm !== undefined) {
    if (source.utm === null || typeof source.utm !== 'object') throw malformed('utm');
    for (const [key, value] of Object.entries(source.utm)) {
      if (!(UTM_KEYS as readonly string[]).includes(key)) throw malformed(`utm.${key}`);
      if (value === undefined) continue;
      if (
        typeof value !== 'string' ||
        value.length > UTM_MAX_LENGTH ||
        !isStorableText(value) ||
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
        /[\u0000-\u001f\u007f]/.test(value)
      )
        throw malformed(`utm.${key}`);
      if (value.trim() !== '') utm[key] = value.trim();
    }
  }
  return {
    ...(source.channel !== undefined ? { channel: source.channel } : {}),
    ...(source.campaign !== undefined ? { campaign: source.campaign } : {}),
    ...(source.referrer !== undefined ? { referrer: source.referrer.toUpperCase() } : {}),
    ...(Object.keys(utm).length > 0 ? { utm } : {}),
  };
}
