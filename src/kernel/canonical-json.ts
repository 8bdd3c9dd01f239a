import { createHash } from 'node:crypto';

/**
 * The JSON Canonicalization Scheme (RFC 8785): one text for one JSON value, so that a digest over
 * it can be recomputed by anyone who holds the value, whatever order their parser kept the keys in.
 * Object members are sorted by their names' UTF-16 code units (which is what JavaScript's default
 * string comparison does), numbers are written as ECMAScript writes them (so -0 becomes 0 and 1e21
 * becomes 1e+21), strings are escaped exactly as JSON.stringify escapes them, and there is no
 * whitespace. Values that JSON cannot hold faithfully (NaN, the infinities, bigints, strings with a
 * lone surrogate) are refused rather than silently changed, since a digest over a changed value
 * would certify something nobody wrote.
 */
export function canonicalJson(value: unknown): string {
  const text = serialise(value, '$');
  if (text === undefined) throw new CanonicalJsonError('$', 'nothing to serialise');
  return text;
}

/** SHA-256, in lower-case hex, over the UTF-8 bytes of a value's canonical JSON. */
export function canonicalSha256(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

// Matches a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serialise(value: unknown, path: string): string | undefined {
  if (value === null) return 'null';
  // Objects that know their JSON form (a Date) give it, as JSON.stringify would ask them to.
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return serialise((value as { toJSON: () => unknown }).toJSON(), path);
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} is not a JSON number`);
      // ECMAScript's Number-to-String is the RFC's number format; it writes -0 as "0".
      return String(value);
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError(path, 'a string with a lone surrogate');
      return JSON.stringify(value);
    case 'bigint':
      throw new CanonicalJsonError(path, 'a bigint has no JSON form; write it as a string');
    case 'undefined':
    case 'function':
    case 'symbol':
      // Left out of objects as JSON.stringify leaves them out; refused elsewhere (below).
      return undefined;
    case 'object':
      break;
  }
  if (Array.isArray(value)) {
    // A hole in a sparse array is null, as JSON.stringify writes it (map would skip it and leave
    // `[1,,2]`); an undefined that is there is refused below like any value JSON cannot carry.
    const items = Array.from({ length: value.length }, (_, i) => {
      const text = serialise(i in value ? value[i] : null, `${path}[${i}]`);
      if (text === undefined) throw new CanonicalJsonError(`${path}[${i}]`, 'not a JSON value');
      return text;
    });
    return `[${items.join(',')}]`;
  }
  const members: string[] = [];
  for (const key of Object.keys(value as object).sort()) {
    if (LONE_SURROGATE.test(key)) throw new CanonicalJsonError(path, 'a member name with a lone surrogate');
    const text = serialise((value as Record<string, unknown>)[key], `${path}.${key}`);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
}
