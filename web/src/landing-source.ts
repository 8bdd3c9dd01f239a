/**
 * Where a visitor came from (issue 20): the landing URL's channel, campaign, referral code (`ref`)
 * and UTM parameters, kept in sessionStorage from the first page of the visit until sign-up, which
 * sends them as its `source`. Values the server would refuse are left out, never sent: a malformed
 * link must not stop a sign-up.
 */
const KEY = 'netfin.landing-source';
const CODE = /^[a-z0-9_]{1,32}$/;
const REFERRAL = /^[2-9A-HJKMNP-Za-hjkmnp-z]{8}$/;
const UTM = ['source', 'medium', 'campaign', 'term', 'content'] as const;

export interface LandingSource {
  channel?: string;
  campaign?: string;
  referrer?: string;
  utm?: Partial<Record<(typeof UTM)[number], string>>;
}

export function sourceFromSearch(search: string): LandingSource {
  const params = new URLSearchParams(search);
  const source: LandingSource = {};
  const channel = params.get('channel');
  if (channel && CODE.test(channel)) source.channel = channel;
  const campaign = params.get('campaign');
  if (campaign && CODE.test(campaign)) source.campaign = campaign;
  const ref = params.get('ref');
  if (ref && REFERRAL.test(ref)) source.referrer = ref.toUpperCase();
  const utm: LandingSource['utm'] = {};
  for (const key of UTM) {
    const value = params.get(`utm_${key}`)?.trim();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is left out
    if (value && value.length <= 100 && !/[\u0000-\u001f\u007f]/.test(value)) utm[key] = value;
  }
  if (Object.keys(utm).length > 0) source.utm = utm;
  return source;
}

/** Keeps the landing URL's source, once per visit: a later page without parameters does not erase it. */
export function rememberLandingSource(search = window.location.search): void {
  try {
    const found = sourceFromSearch(search);
    if (Object.keys(found).length > 0) sessionStorage.setItem(KEY, JSON.stringify(found));
  } catch {
    // Storage refused (private mode): the sign-up simply goes without a source.
  }
}

export function landingSource(): LandingSource | undefined {
  try {
    const text = sessionStorage.getItem(KEY);
    if (!text) return undefined;
    const kept = sourceFromSearch('');
    Object.assign(kept, JSON.parse(text) as LandingSource);
    return Object.keys(kept).length > 0 ? kept : undefined;
  } catch {
    return undefined;
  }
}
