/**
 * A project's story: rich text in the small subset the API allows (src/crowdfunding/story.ts). The
 * API has sanitised it already; the page still never hands it to innerHTML. It is parsed into an inert
 * document and rebuilt as React elements from the same allow-list, so that nothing else (a script, an
 * event handler, a javascript: link) could reach the page even if the server let it through. The
 * editor uses the same walk to turn what a contentEditable area produced into that subset.
 */
import { createElement, type ReactNode } from 'react';
import { isNetfinImage } from './images.ts';

const ALLOWED = new Set([
  'p',
  'br',
  'strong',
  'em',
  'b',
  'i',
  'u',
  'h2',
  'h3',
  'ul',
  'ol',
  'li',
  'blockquote',
  'a',
  'img',
]);
const BLOCKS = new Set(['p', 'h2', 'h3', 'ul', 'ol', 'blockquote']);
/** What a browser's editing produces, in the allowed subset's words. */
const RENAMED: Record<string, string> = { div: 'p', h1: 'h2', h4: 'h3', h5: 'h3', h6: 'h3' };

export function isHttpsUrl(text: string): boolean {
  if (!/^https:\/\/[^\s"'<>`\\]+$/.test(text) || text.length > 2000) return false;
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}

function parse(html: string): HTMLElement {
  return new DOMParser().parseFromString(`<!doctype html><body>${html}</body>`, 'text/html').body;
}

function toReact(node: Node, key: number): ReactNode {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent;
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const element = node as Element;
  const tag = element.tagName.toLowerCase();
  const children = Array.from(element.childNodes, toReact);
  if (!ALLOWED.has(tag)) return children.length ? createElement('span', { key }, ...children) : null;
  if (tag === 'br') return createElement('br', { key });
  if (tag === 'img') {
    const src = element.getAttribute('src') ?? '';
    if (!isNetfinImage(src)) return null;
    return createElement('img', {
      key,
      src,
      alt: element.getAttribute('alt') ?? '',
      loading: 'lazy',
      referrerPolicy: 'no-referrer',
      style: { maxWidth: '100%', height: 'auto', borderRadius: 8 },
    });
  }
  if (tag === 'a') {
    const href = element.getAttribute('href') ?? '';
    if (!isHttpsUrl(href)) return createElement('span', { key }, ...children);
    return createElement(
      'a',
      { key, href, target: '_blank', rel: 'noopener noreferrer nofollow' },
      ...children,
    );
  }
  return createElement(tag, { key }, ...children);
}

/** The story as React elements, from the allowed subset only. */
export function Story({ html, id }: { html: string; id?: string }) {
  const body = parse(html);
  return (
    <div className="cf-story" id={id} style={{ overflowWrap: 'anywhere', lineHeight: 1.7 }}>
      {Array.from(body.childNodes, toReact)}
    </div>
  );
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function serialise(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return escapeText(node.textContent ?? '');
  if (node.nodeType !== Node.ELEMENT_NODE) return '';
  const element = node as Element;
  const raw = element.tagName.toLowerCase();
  if (raw === 'script' || raw === 'style' || raw === 'template') return '';
  const tag = RENAMED[raw] ?? raw;
  const inner = Array.from(element.childNodes, serialise).join('');
  if (!ALLOWED.has(tag)) return inner;
  if (tag === 'br') return '<br>';
  if (tag === 'img') {
    const src = element.getAttribute('src') ?? '';
    if (!isNetfinImage(src)) return '';
    return `<img src="${escapeAttribute(src)}" alt="${escapeAttribute(element.getAttribute('alt') ?? '')}">`;
  }
  if (tag === 'a') {
    const href = element.getAttribute('href') ?? '';
    return isHttpsUrl(href) ? `<a href="${escapeAttribute(href)}">${inner}</a>` : inner;
  }
  // A paragraph inside a paragraph (a div in a div, as editing makes them) is not nested.
  if (tag === 'p' && element.parentElement && /^(p|div)$/i.test(element.parentElement.tagName))
    return `${inner}<br>`;
  return `<${tag}>${inner}</${tag}>`;
}

/**
 * What a contentEditable area holds, as the allowed subset: editing's divs become paragraphs, spans
 * and styles go, links stay only with https addresses, and loose text at the top level is
 * wrapped in a paragraph. A picture stays only if it is one uploaded to netfin.
 */
export function cleanStory(html: string): string {
  const body = parse(html);
  const out: string[] = [];
  let loose = '';
  const flush = () => {
    if (loose.replace(/<br>/g, '').trim()) out.push(`<p>${loose}</p>`);
    loose = '';
  };
  for (const node of Array.from(body.childNodes)) {
    const tag = node.nodeType === Node.ELEMENT_NODE ? (node as Element).tagName.toLowerCase() : '';
    const block = BLOCKS.has(RENAMED[tag] ?? tag);
    if (!block) {
      loose += serialise(node);
      continue;
    }
    flush();
    const text = serialise(node);
    // An empty paragraph (an Enter pressed twice) is dropped.
    if (!/^<p>(<br>|\s|&nbsp;|\u00a0)*<\/p>$/.test(text)) out.push(text);
  }
  flush();
  return out.join('');
}
