import { invalid } from '../kernel/index.ts';
import { imageIdOf } from './images.ts';

/**
 * A project's story is rich text in a small safe subset of HTML, rebuilt from what was parsed: text
 * is escaped again, and only these tags and attributes survive. Anything else (a script, a style, an
 * event handler, a javascript: link, a comment) is refused rather than silently dropped, so that the
 * creator sees what the platform will not show. A link goes anywhere on https; a picture is one
 * uploaded to netfin (images.ts), never hot-linked from another site.
 */
const TAGS: Record<string, readonly string[]> = {
  p: [],
  br: [],
  strong: [],
  em: [],
  b: [],
  i: [],
  u: [],
  h2: [],
  h3: [],
  ul: [],
  ol: [],
  li: [],
  blockquote: [],
  a: ['href'],
  img: ['src', 'alt'],
};
const VOID_TAGS = new Set(['br', 'img']);
const HTTPS_URL = /^https:\/\/[^\s"'<>`\\]+$/;
const ENTITY = /^&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/i;
export const MAX_STORY_LENGTH = 20_000;

const escapeText = (text: string) =>
  text
    .replace(/&/g, (_m, offset: number) => (ENTITY.test(text.slice(offset)) ? '&' : '&amp;'))
    .replace(/>/g, '&gt;');
const escapeAttribute = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function refuse(reason: string, details?: Record<string, unknown>): never {
  throw invalid('story_markup_not_allowed', `the story holds markup that is not allowed: ${reason}`, details);
}

/** An https URL, with nothing that a browser would read otherwise. */
export function isHttpsUrl(text: string): boolean {
  if (!HTTPS_URL.test(text) || text.length > 2000) return false;
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}

export function sanitiseStory(input: string): string {
  if (input.length > MAX_STORY_LENGTH)
    throw invalid('story_too_long', `a story is at most ${MAX_STORY_LENGTH} characters`);
  const out: string[] = [];
  const open: string[] = [];
  let i = 0;
  while (i < input.length) {
    const lt = input.indexOf('<', i);
    if (lt === -1) {
      out.push(escapeText(input.slice(i)));
      break;
    }
    out.push(escapeText(input.slice(i, lt)));
    const gt = input.indexOf('>', lt);
    if (gt === -1) refuse('an unclosed tag');
    const inner = input.slice(lt + 1, gt);
    if (inner.startsWith('!') || inner.startsWith('?')) refuse('comments and declarations');
    const closing = /^\/([a-zA-Z][a-zA-Z0-9]*)\s*$/.exec(inner);
    if (closing) {
      const name = closing[1]!.toLowerCase();
      if (!TAGS[name] || VOID_TAGS.has(name)) refuse(`</${name}>`, { tag: name });
      if (open.at(-1) !== name) refuse(`</${name}> closes nothing open`, { tag: name });
      open.pop();
      out.push(`</${name}>`);
      i = gt + 1;
      continue;
    }
    const start = /^([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+\s*=\s*(?:"[^"<>]*"|'[^'<>]*'))*)\s*(\/?)$/.exec(
      inner,
    );
    if (!start) refuse('a malformed or unknown tag');
    const name = start[1]!.toLowerCase();
    const allowed = TAGS[name];
    if (!allowed) refuse(`<${name}>`, { tag: name });
    const attributes: string[] = [];
    for (const m of start[2]!.matchAll(/([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const attribute = m[1]!.toLowerCase();
      const value = m[2] ?? m[3] ?? '';
      if (!allowed.includes(attribute))
        refuse(`the ${attribute} attribute on <${name}>`, { tag: name, attribute });
      if (attribute === 'href' && !isHttpsUrl(value))
        refuse(`<${name} ${attribute}> must be an https URL`, { tag: name, attribute });
      if (attribute === 'src' && imageIdOf(value) === null)
        throw invalid('image_url_invalid', 'a picture in the story is one uploaded to netfin', {
          tag: name,
          attribute,
        });
      attributes.push(` ${attribute}="${escapeAttribute(value)}"`);
    }
    if (name === 'img' && !attributes.some((a) => a.startsWith(' src='))) refuse('<img> without src');
    if (VOID_TAGS.has(name)) out.push(`<${name}${attributes.join('')}>`);
    else {
      if (start[3]) refuse(`<${name}/>`, { tag: name });
      open.push(name);
      out.push(`<${name}${attributes.join('')}>`);
    }
    i = gt + 1;
  }
  // Tags left open are closed, innermost first, so that the story never spills into the page.
  while (open.length > 0) out.push(`</${open.pop()}>`);
  return out.join('');
}

const STORY_IMAGE = /<img src="\/v1\/crowdfunding\/images\/([0-9a-f-]{36})"/g;

/** The ids of the pictures a sanitised story shows (its markup is the sanitiser's own). */
export function storyImageIds(sanitised: string): string[] {
  return [...sanitised.matchAll(STORY_IMAGE)].map((m) => m[1]!);
}
