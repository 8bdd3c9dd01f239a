import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { type Executor, inTransaction } from '../../db/index.ts';
import { type AuditContext, actorId, maskIdNumber } from '../../identity/index.ts';
import { notFound, ruleViolation, uuidv7 } from '../../kernel/index.ts';
import type { ComplianceDeps } from '../deps.ts';
import { entryForms, type IndexedEntry } from './matcher.ts';
import type { NameForms } from './names.ts';
import { normaliseName } from './names.ts';
import { parseWatchList } from './rows.ts';

export interface WatchListView {
  readonly id: string;
  readonly name: string;
  readonly currentVersion: number;
  readonly versions: readonly VersionView[];
}

export interface VersionView {
  readonly id: string;
  readonly version: number;
  readonly entryCount: number;
  readonly uploadedBy: string;
  readonly uploadedAt: Date;
  readonly rescreenedAt: Date | null;
}

export interface EntryView {
  readonly id: string;
  readonly line: number;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly idNumberMasked: string | null;
  readonly birthDate: string | null;
  readonly source: string | null;
  readonly reason: string | null;
}

const INSERT_CHUNK = 5_000;

/**
 * Stores an upload as the list's next version (the list is created by its first upload), all rows
 * or none, audited in the same transaction.
 */
export async function uploadList(
  deps: ComplianceDeps,
  listName: string,
  csv: string,
  context: AuditContext,
): Promise<{ list: WatchListView; versionId: string }> {
  const rows = parseWatchList(csv);
  const vault = deps.identity.vault;
  const seen = new Map<string, number>();
  const now = deps.clock.now();
  return inTransaction(deps.db, async (trx) => {
    const list = await sql<{ id: string; current_version: number }>`
      insert into screening_lists (id, name, current_version, created_at, updated_at)
      values (${uuidv7()}, ${listName}, 1, ${now}, ${now})
      on conflict (name) do update set current_version = screening_lists.current_version + 1, updated_at = excluded.updated_at
      returning id, current_version`.execute(trx);
    const { id: listId, current_version: version } = list.rows[0]!;
    const versionId = uuidv7();
    const entries = rows.map((row) => {
      const idHash = row.idNumber ? vault.lookupHash(row.idNumber) : null;
      // The listed person across versions: same list, same name, same identity number and birth date.
      const entryKey = createHash('sha256')
        .update([listId, normaliseName(row.name), idHash ?? '', row.birthDate ?? ''].join('\n'))
        .digest('hex');
      const earlier = seen.get(entryKey);
      if (earlier !== undefined)
        throw ruleViolation('watch_list_row_invalid', `line ${row.line}: repeats line ${earlier}`, {
          line: row.line,
          problem: `repeats line ${earlier}`,
        });
      seen.set(entryKey, row.line);
      const { forms, blockKeys } = entryForms([row.name, ...row.aliases]);
      return {
        id: uuidv7(),
        line: row.line,
        entry_key: entryKey,
        name: row.name,
        aliases: row.aliases,
        id_number_hash: idHash,
        id_number_masked: row.idNumber ? maskIdNumber(row.idNumber) : null,
        birth_date: row.birthDate,
        source: row.source,
        reason: row.reason,
        forms,
        block_keys: blockKeys,
      };
    });
    await sql`
      insert into screening_list_versions (id, list_id, version, entry_count, uploaded_by, uploaded_at)
      values (${versionId}, ${listId}, ${version}, ${entries.length}, ${actorId(context.principal)}, ${now})`.execute(
      trx,
    );
    for (let at = 0; at < entries.length; at += INSERT_CHUNK) {
      const chunk = JSON.stringify(entries.slice(at, at + INSERT_CHUNK));
      await sql`
        insert into screening_entries (id, version_id, list_id, line, entry_key, name, aliases, id_number_hash,
                                       id_number_masked, birth_date, source, reason, forms, block_keys)
        select x.id, ${versionId}::uuid, ${listId}::uuid, x.line, x.entry_key, x.name, x.aliases, x.id_number_hash,
               x.id_number_masked, x.birth_date, x.source, x.reason, x.forms, x.block_keys
        from jsonb_to_recordset(${chunk}::jsonb) as x(id uuid, line int, entry_key text, name text, aliases text[],
             id_number_hash text, id_number_masked text, birth_date date, source text, reason text, forms jsonb,
             block_keys text[])`.execute(trx);
    }
    await deps.identity.audit(
      context,
      {
        action: 'screening.list_uploaded',
        subjectType: 'screening_list',
        subjectId: listId,
        after: { name: listName, version, versionId, entries: entries.length },
      },
      trx,
    );
    return { list: (await readList(trx, listId))!, versionId };
  });
}

export async function readList(db: Executor, listId: string): Promise<WatchListView | null> {
  const lists = await listsWhere(db, listId);
  return lists[0] ?? null;
}

export async function listsWhere(db: Executor, listId: string | null): Promise<WatchListView[]> {
  const rows = await sql<{
    id: string;
    name: string;
    current_version: number;
    version_id: string;
    version: number;
    entry_count: number;
    uploaded_by: string;
    uploaded_at: Date;
    rescreened_at: Date | null;
  }>`
    select l.id, l.name, l.current_version, v.id as version_id, v.version, v.entry_count, v.uploaded_by,
           v.uploaded_at, v.rescreened_at
    from screening_lists l join screening_list_versions v on v.list_id = l.id
    where ${listId === null ? sql`true` : sql`l.id = ${listId}::uuid`}
    order by l.name, v.version desc`.execute(db);
  const lists = new Map<
    string,
    { id: string; name: string; currentVersion: number; versions: VersionView[] }
  >();
  for (const r of rows.rows) {
    let list = lists.get(r.id);
    if (!list) {
      list = { id: r.id, name: r.name, currentVersion: r.current_version, versions: [] };
      lists.set(r.id, list);
    }
    list.versions.push({
      id: r.version_id,
      version: r.version,
      entryCount: r.entry_count,
      uploadedBy: r.uploaded_by,
      uploadedAt: r.uploaded_at,
      rescreenedAt: r.rescreened_at,
    });
  }
  return [...lists.values()];
}

/** The entries of a list's version (the current one unless asked), in file order. */
export async function listEntries(
  db: Executor,
  listId: string,
  filter: { version?: number | undefined; offset: number; limit: number },
): Promise<{ version: number; total: number; items: EntryView[] }> {
  const list = await readList(db, listId);
  if (!list) throw notFound('watch_list_not_found', 'no such watch list');
  const version = filter.version ?? list.currentVersion;
  const found = list.versions.find((v) => v.version === version);
  if (!found) throw notFound('watch_list_version_not_found', 'no such version of this list');
  const rows = await sql<{
    id: string;
    line: number;
    name: string;
    aliases: string[];
    id_number_masked: string | null;
    birth_date: string | null;
    source: string | null;
    reason: string | null;
  }>`
    select id, line, name, aliases, id_number_masked, birth_date::text, source, reason from screening_entries
    where version_id = ${found.id}::uuid order by line offset ${filter.offset} limit ${filter.limit}`.execute(
    db,
  );
  return {
    version,
    total: found.entryCount,
    items: rows.rows.map((r) => ({
      id: r.id,
      line: r.line,
      name: r.name,
      aliases: r.aliases,
      idNumberMasked: r.id_number_masked,
      birthDate: r.birth_date,
      source: r.source,
      reason: r.reason,
    })),
  };
}

interface EntryRow {
  id: string;
  list_id: string;
  entry_key: string;
  name: string;
  aliases: string[];
  id_number_hash: string | null;
  forms: NameForms[];
  block_keys: string[];
}

const indexed = (r: EntryRow): IndexedEntry => ({
  id: r.id,
  listId: r.list_id,
  entryKey: r.entry_key,
  names: [r.name, ...r.aliases],
  forms: r.forms,
  idNumberHash: r.id_number_hash,
  blockKeys: r.block_keys,
});

/** Every entry of one version, for the matcher. */
export async function versionEntries(db: Executor, versionId: string): Promise<IndexedEntry[]> {
  const rows = await sql<EntryRow>`
    select id, list_id, entry_key, name, aliases, id_number_hash, forms, block_keys from screening_entries
    where version_id = ${versionId}::uuid`.execute(db);
  return rows.rows.map(indexed);
}

/** The entries in force (each list's current version) that share a blocking key or the identity number. */
export async function entriesInForceFor(
  db: Executor,
  keys: readonly string[],
  idNumberHash: string | null,
): Promise<IndexedEntry[]> {
  const rows = await sql<EntryRow>`
    select e.id, e.list_id, e.entry_key, e.name, e.aliases, e.id_number_hash, e.forms, e.block_keys
    from screening_entries e
    join screening_list_versions v on v.id = e.version_id
    join screening_lists l on l.id = v.list_id and l.current_version = v.version
    where e.block_keys && ${keys as string[]}::text[] or (${idNumberHash}::text is not null and e.id_number_hash = ${idNumberHash})`.execute(
    db,
  );
  return rows.rows.map(indexed);
}
