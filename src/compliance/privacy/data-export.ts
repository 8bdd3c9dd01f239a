import { sql } from 'kysely';
import { creditForExport } from '../../credit/index.ts';
import type { Executor } from '../../db/index.ts';
import { identityDataProtection } from '../../identity/index.ts';
import { CNY, formatAmount } from '../../kernel/index.ts';
import { lendingForExport } from '../../lending/index.ts';
import { paymentsForExport } from '../../payments/index.ts';
import { decisionsForExport } from '../../risk/index.ts';
import type { ComplianceDeps } from '../deps.ts';
import { consentHistory } from './consents.ts';

/**
 * A user's data export: everything netfin holds about them, read from each context's index.ts, as
 * one JSON document. Their own personal data is unmasked (it is theirs); card numbers stay masked
 * (the full number is not needed to recognise a card, and an export file travels). Amounts are yuan
 * as decimal strings, times ISO 8601.
 */
export const EXPORT_FORMAT = 'netfin-data-export/1';

/** bigint → yuan (every bigint the contexts hand the export is an amount of CNY), Date → ISO text. */
export function exportJson(value: unknown): unknown {
  if (typeof value === 'bigint') return formatAmount(value, CNY);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(exportJson);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, exportJson(v)]));
  return value;
}

/**
 * The user's contracts, from compliance's contract tables.
 * TODO(contracts): read them through the contracts service once it offers a "contracts of a party"
 * query (src/compliance/contracts is being built alongside); until then this reads the tables of
 * migration 0016 directly, ids, numbers and digests only.
 */
async function contractsOf(db: Executor, userId: string) {
  const rows = await sql<Record<string, unknown>>`
    select c.id, c.number, c.kind, p.role, c.subject_type as "subjectType", c.subject_id as "subjectId",
           c.terms_digest as "termsDigest", c.digest_algorithm as "digestAlgorithm", c.signed_at as "signedAt"
    from contract_parties p join contracts c on c.id = p.contract_id
    where p.user_id = ${userId}::uuid order by c.signed_at, c.id`.execute(db);
  return rows.rows;
}

export async function buildExport(deps: ComplianceDeps, userId: string, meta: Record<string, unknown>) {
  const { db, identity, payments } = deps;
  const [
    profile,
    cards,
    sessions,
    pay,
    wallet,
    lending,
    credit,
    decisions,
    contracts,
    consents,
    suitability,
  ] = await Promise.all([
    identity.users.profile(userId, { unmasked: true }),
    identity.kyc.listCards(userId),
    identityDataProtection.sessionsForExport(db, userId),
    paymentsForExport(db, userId),
    payments.wallet(userId).catch(() => null),
    lendingForExport(db, userId),
    creditForExport(db, userId),
    decisionsForExport(db, userId),
    contractsOf(db, userId),
    consentHistory(db, userId),
    identityDataProtection.suitabilityForExport(db, userId),
  ]);
  const closure = await identityDataProtection.closureOf(db, userId);
  return exportJson({
    format: EXPORT_FORMAT,
    ...meta,
    userId,
    sections: {
      profile: { ...profile, closedAt: closure?.closedAt ?? null },
      bankCards: cards.map((c) => ({
        id: c.id,
        bankCode: c.bankCode,
        maskedNumber: c.maskedNumber,
        status: c.status,
        isDefault: c.isDefault,
        createdAt: c.createdAt,
      })),
      sessions,
      wallet: pay.wallet
        ? {
            ...pay.wallet,
            balance: wallet?.balance ?? 0n,
            frozen: wallet?.frozen ?? 0n,
            available: wallet?.available ?? 0n,
          }
        : null,
      paymentOrders: pay.orders,
      loanApplications: lending.applications,
      loans: lending.loans,
      repayments: lending.repayments,
      bids: lending.bids,
      notes: lending.notes,
      creditLines: credit.lines,
      creditStatements: credit.statements,
      creditEvents: credit.events,
      riskDecisions: decisions,
      riskAssessments: suitability.assessments,
      suitabilityAcknowledgements: suitability.acknowledgements,
      contracts,
      consents: consents.map((c) => ({
        purpose: c.purpose,
        granted: c.granted,
        textVersion: c.textVersion,
        source: c.source,
        ip: c.ip,
        userAgent: c.userAgent,
        recordedAt: c.recordedAt,
      })),
    },
  }) as ExportDocument;
}

export interface ExportDocument {
  readonly format: string;
  readonly userId: string;
  readonly sections: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** One CSV cell (RFC 4180 quoting); a cell a spreadsheet would run as a formula is prefixed with '. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A cell a spreadsheet would read as a formula is written as text; a plain negative number is safe.
  if (/^[=+\-@\t\r]/.test(text) && !/^-\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The export as CSV: one table per section, each headed by a "# section" line and its column names,
 * separated by a blank line (one file rather than a zip: no zip library is a dependency). An object
 * section (the profile, the wallet) is a table of one row.
 */
export function exportCsv(document: ExportDocument): string {
  const out: string[] = [];
  for (const [name, value] of Object.entries(document.sections)) {
    const rows = (Array.isArray(value) ? value : value === null ? [] : [value]) as Record<string, unknown>[];
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    out.push(`# ${name}`);
    out.push(columns.map(cell).join(','));
    for (const row of rows) out.push(columns.map((c) => cell(row[c])).join(','));
    out.push('');
  }
  return `\uFEFF${out.join('\r\n')}`;
}
