/**
 * Jaro-Winkler similarity of two strings (0 to 1). It suits names: it forgives a transposed or
 * missing letter and weighs a shared beginning (Winkler's prefix of up to four, scale 0.1). Strings
 * are compared by UTF-16 code unit, which is by character for the Han and Latin names compared here
 * (the rare Han characters outside the Basic Multilingual Plane count two units).
 */
export function jaroWinkler(s: string, t: string): number {
  if (s === t) return 1;
  const sl = s.length;
  const tl = t.length;
  if (sl === 0 || tl === 0) return 0;
  const window = Math.max(0, (Math.max(sl, tl) >> 1) - 1);
  const sMatched = new Uint8Array(sl);
  const tMatched = new Uint8Array(tl);
  let matches = 0;
  for (let i = 0; i < sl; i++) {
    const c = s.charCodeAt(i);
    const to = Math.min(tl - 1, i + window);
    for (let j = Math.max(0, i - window); j <= to; j++) {
      if (tMatched[j] || t.charCodeAt(j) !== c) continue;
      sMatched[i] = 1;
      tMatched[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let halfTranspositions = 0;
  for (let i = 0; i < sl; i++) {
    if (!sMatched[i]) continue;
    while (!tMatched[k]) k++;
    if (s.charCodeAt(i) !== t.charCodeAt(k)) halfTranspositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / sl + m / tl + (m - halfTranspositions / 2) / m) / 3;
  let prefix = 0;
  const most = Math.min(4, sl, tl);
  while (prefix < most && s.charCodeAt(prefix) === t.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * The most Jaro-Winkler can give two strings of these lengths (all of the shorter matching, a full
 * prefix): pairs whose bound is below the threshold need not be compared.
 */
export function jaroWinklerBound(sl: number, tl: number): number {
  if (sl === 0 || tl === 0) return sl === tl ? 1 : 0;
  const jaro = (1 + Math.min(sl, tl) / Math.max(sl, tl) + 1) / 3;
  return jaro + 0.4 * (1 - jaro);
}
