import type { NameForms } from './names.ts';
import { jaroWinkler, jaroWinklerBound } from './similarity.ts';

/**
 * A match that comes only through pinyin between two different Han names is a homophone (章三 for
 * 张三): worth a look, but not the same as the same characters, so its score is scaled below 1.
 */
export const HOMOPHONE_FACTOR = 0.95;

/** Why a pair scored what it did: the forms compared and how. */
export interface MatchWhy {
  /**
   * id_number: the same identity number; han: Han characters compared; homophone: two Han names
   * compared through their pinyin; pinyin: a Han name's pinyin against a Latin name; latin: two Latin names.
   */
  readonly basis: 'id_number' | 'han' | 'homophone' | 'pinyin' | 'latin';
  readonly customerForm: string;
  readonly entryForm: string;
  readonly similarity: number;
  readonly score: number;
}

/**
 * The best score of a customer's name against a listed name (or alias), with why. Han against Han
 * compares the characters, and also their pinyin scaled by HOMOPHONE_FACTOR; every other pairing
 * compares the Latin forms (pinyin of a Han name against a Latin name, or Latin against Latin).
 * With a `floor`, pairs that cannot reach it are skipped (the answer is then exact only at or above it).
 */
export function scoreNames(customer: NameForms, entry: NameForms, floor = 0): MatchWhy {
  let best: MatchWhy = { basis: 'latin', customerForm: '', entryForm: '', similarity: 0, score: 0 };
  const consider = (why: MatchWhy) => {
    if (why.score > best.score) best = why;
  };
  const bothHan = customer.han !== null && entry.han !== null;
  if (bothHan) {
    const similarity = jaroWinkler(customer.han!, entry.han!);
    consider({
      basis: 'han',
      customerForm: customer.han!,
      entryForm: entry.han!,
      similarity,
      score: similarity,
    });
    if (similarity === 1) return best;
  }
  const factor = bothHan ? HOMOPHONE_FACTOR : 1;
  const basis = bothHan ? 'homophone' : customer.han !== null || entry.han !== null ? 'pinyin' : 'latin';
  // The customer's name in its first order (spaced and joined) against the entry's forms in both
  // orders covers both orders; spaced is compared with spaced and joined with joined.
  for (const c of customer.latin.slice(0, 2)) {
    const spaced = c.includes(' ');
    for (const e of entry.latin) {
      if (e.includes(' ') !== spaced) continue;
      // Pairs that cannot beat the best so far (or the caller's floor) are not compared.
      if (jaroWinklerBound(c.length, e.length) * factor < Math.max(best.score, floor)) continue;
      const similarity = jaroWinkler(c, e);
      consider({ basis, customerForm: c, entryForm: e, similarity, score: similarity * factor });
    }
  }
  return { ...best, similarity: round4(best.similarity), score: round4(best.score) };
}

/** Scores are stored with four decimals; rounding here keeps what is shown what was compared. */
export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
