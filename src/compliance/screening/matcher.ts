import { blockKeys, type NameForms, nameForms } from './names.ts';
import { type MatchWhy, scoreNames } from './scoring.ts';

/** A listed person, as the matcher holds one: its name and aliases already in their forms. */
export interface IndexedEntry {
  readonly id: string;
  readonly listId: string;
  readonly entryKey: string;
  readonly names: readonly string[];
  readonly forms: readonly NameForms[];
  readonly idNumberHash: string | null;
  readonly blockKeys: readonly string[];
}

/** A customer to screen. */
export interface ScreenedCustomer {
  readonly userId: string;
  readonly realName: string;
  readonly idNumberHash: string | null;
}

/** Why a customer matched an entry: the best pair of forms, or the identity number. */
export interface MatchReason extends MatchWhy {
  readonly entryName: string;
}

export interface FoundMatch {
  readonly userId: string;
  readonly entry: IndexedEntry;
  readonly score: number;
  readonly why: MatchReason;
}

/** The forms and blocking keys of an entry's name and aliases. */
export function entryForms(names: readonly string[]): { forms: NameForms[]; blockKeys: string[] } {
  const forms = names.map((n) => nameForms(n));
  return { forms, blockKeys: [...new Set(forms.flatMap((f) => blockKeys(f, false)))] };
}

/**
 * Entries by blocking key and by identity number hash: a customer is compared only with the entries
 * that share a key with one of the forms of their name, or carry their identity number.
 */
export class EntryIndex {
  private readonly byKey = new Map<string, IndexedEntry[]>();
  private readonly byIdHash = new Map<string, IndexedEntry[]>();

  constructor(entries: readonly IndexedEntry[]) {
    for (const entry of entries) {
      for (const key of entry.blockKeys) push(this.byKey, key, entry);
      if (entry.idNumberHash) push(this.byIdHash, entry.idNumberHash, entry);
    }
  }

  /** Compares one customer with the candidate entries; returns those at or above the threshold. */
  match(customer: ScreenedCustomer, threshold: number): FoundMatch[] {
    const forms = nameForms(customer.realName);
    const candidates = new Set<IndexedEntry>();
    for (const key of blockKeys(forms, true)) for (const e of this.byKey.get(key) ?? []) candidates.add(e);
    const sameId = customer.idNumberHash ? (this.byIdHash.get(customer.idNumberHash) ?? []) : [];
    for (const e of sameId) candidates.add(e);
    const found: FoundMatch[] = [];
    for (const entry of candidates) {
      let best: MatchReason | null = null;
      entry.forms.forEach((entryForm, i) => {
        const why = scoreNames(forms, entryForm, threshold);
        if (!best || why.score > best.score) best = { ...why, entryName: entry.names[i]! };
      });
      let why = best as MatchReason | null;
      if (sameId.includes(entry)) {
        // The same identity number is the same person, whatever the name: the strongest evidence there is.
        why = {
          basis: 'id_number',
          customerForm: why?.customerForm ?? '',
          entryForm: why?.entryForm ?? '',
          similarity: why?.similarity ?? 0,
          score: 1,
          entryName: entry.names[0]!,
        };
      }
      if (why && why.score >= threshold)
        found.push({ userId: customer.userId, entry, score: why.score, why });
    }
    return found;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
