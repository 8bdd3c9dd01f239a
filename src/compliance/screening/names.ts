import { pinyin } from 'pinyin-pro';

/**
 * The forms of a name that screening compares. A Han name is kept as its characters and also as
 * toneless pinyin, since lists abroad spell Chinese names in pinyin and lists at home in characters.
 * A Latin name is lower-cased; both orders of its words are kept ("Zhang San" / "San Zhang"), since
 * lists write the surname first or last. Each Latin form is kept joined ("zhangsan") and spaced.
 */
export interface NameForms {
  /** The normalised name as written. */
  readonly normalised: string;
  /** The Han characters, when the name is written in Han characters. */
  readonly han: string | null;
  /** Latin forms: pinyin (or the Latin name) spaced and joined, in both orders of its words. */
  readonly latin: readonly string[];
}

const HAN = /^[\u3400-\u9fff\uf900-\ufaff]+$/;
// Separators lists and ID documents put inside names: the middle dots of transliterated names, bullets, hyphens.
const SEPARATORS = /[·•・‧∙⋅\-‐‑‒–—_.,'’`]/g;

/** NFKC, separators removed, spaces collapsed and trimmed, Latin lower-cased. */
export function normaliseName(name: string): string {
  return name.normalize('NFKC').replace(SEPARATORS, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The words of a name: Han characters become their pinyin syllables. */
function words(normalised: string): { han: string | null; words: string[] } {
  const compact = normalised.replace(/ /g, '');
  if (compact.length > 0 && HAN.test(compact)) {
    // The surname is read as a surname (单 is Shan, not Dan), tones dropped, ü written v.
    const syllables = pinyin(compact, { toneType: 'none', type: 'array', surname: 'head', v: true });
    return { han: compact, words: syllables.map((s) => s.toLowerCase()) };
  }
  return { han: null, words: normalised.split(' ').filter((w) => w.length > 0) };
}

export function nameForms(name: string): NameForms {
  const normalised = normaliseName(name);
  const parsed = words(normalised);
  const orders = [parsed.words];
  if (parsed.words.length > 1) {
    // The other order: for a Han name the given name first; for a Latin one, the last word moved first.
    const [first, ...rest] = parsed.words;
    orders.push(parsed.han ? [...rest, first!] : [parsed.words.at(-1)!, ...parsed.words.slice(0, -1)]);
  }
  const latin = new Set<string>();
  for (const order of orders) {
    latin.add(order.join(' '));
    latin.add(order.join(''));
  }
  return { normalised, han: parsed.han, latin: [...latin] };
}

/**
 * Blocking keys: the initials of the first word with the second and with the last, in each order
 * ("zs" and "sz" for Zhang San; "oy", "on", "yn", "yo" for 欧阳娜娜, so that "Ouyang Nana" with its
 * two-syllable surname written as one word still meets it at "on").
 * Two names are compared only when they share a key, so that a list change compares each entry with
 * the few customers whose names could match it rather than with all of them. A name of one word
 * ("Zhangsan") has the first two letters of its word as key ("1zh"); customers carry that key for
 * their joined forms too (`indexSide`), so that a one-word listed name still finds "Zhang San".
 */
export function blockKeys(forms: NameForms, indexSide: boolean): string[] {
  const keys = new Set<string>();
  const multiWord = forms.latin.some((f) => f.includes(' '));
  for (const form of forms.latin) {
    const parts = form.split(' ');
    if (parts.length >= 2) {
      keys.add(`${parts[0]![0]}${parts[1]![0]}`);
      keys.add(`${parts[0]![0]}${parts.at(-1)![0]}`);
    } else if (!multiWord || indexSide) keys.add(`1${form.slice(0, 2)}`);
  }
  return [...keys];
}
