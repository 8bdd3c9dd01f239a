/**
 * A fact's dimension is stored as one text, its keys sorted: "grade=A;term=12", '' for the whole.
 * The same breakdown therefore always has the same key, and a rewrite of a date replaces it.
 * Values may not contain ';' or '=' (they are codes: a grade, a term, a province's code).
 */
export type Dimension = Readonly<Record<string, string>>;

const VALUE = /^[^;=]{1,64}$/;

export function encodeDimension(dimension: Dimension | undefined): string {
  if (!dimension) return '';
  const keys = Object.keys(dimension).sort();
  return keys
    .map((key) => {
      const value = dimension[key]!;
      if (!VALUE.test(value)) throw new Error(`dimension ${key}: bad value ${JSON.stringify(value)}`);
      return `${key}=${value}`;
    })
    .join(';');
}

export function decodeDimension(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === '') return out;
  for (const part of text.split(';')) {
    const at = part.indexOf('=');
    out[part.slice(0, at)] = part.slice(at + 1);
  }
  return out;
}

/**
 * Whether a stored dimension is the one a filter asks for. A filter names some dimensions' values;
 * `keys` (optional) names the breakdown wanted: without it, only facts carrying exactly the filter's
 * keys match (the filter {grade: 'A'} matches "grade=A", not "grade=A;term=12"), so that a total is
 * never counted twice beside its own parts.
 */
export function matchesDimension(
  stored: Readonly<Record<string, string>>,
  filter: Dimension,
  keys?: readonly string[],
): boolean {
  const wanted = new Set([...(keys ?? []), ...Object.keys(filter)]);
  const present = Object.keys(stored);
  if (present.length !== wanted.size || present.some((k) => !wanted.has(k))) return false;
  return Object.entries(filter).every(([k, v]) => stored[k] === v);
}
