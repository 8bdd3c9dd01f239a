import { z } from 'zod';
import { ruleViolation } from '../../kernel/index.ts';
import type { ContractKind } from './model.ts';

/**
 * A template's body: blocks mirroring the PDF's (heading, paragraph, fields, space) whose text holds
 * {{placeholders}}, and tables filled from a named data source. A placeholder is a dotted path into
 * the contract's data (see contract-data.ts): `terms.amount`, `borrower.name`, `contract.number`.
 */
export const TABLE_SOURCES = {
  installments: ['period', 'dueDate', 'principal', 'interest', 'total'],
  lenders: ['name', 'idNumber', 'phone', 'principal'],
  acceptances: ['role', 'name', 'acceptedAt', 'ip', 'hash', 'templateVersion'],
} as const;
export type TableSource = keyof typeof TABLE_SOURCES;

const text = z.string().min(1).max(4000);
const column = z
  .object({
    header: z.string().min(1).max(100),
    field: z.string().min(1).max(40),
    width: z.number().positive().max(1).optional(),
  })
  .strict();

export const templateBlockSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('heading'), text }).strict(),
  z.object({ kind: z.literal('paragraph'), text }).strict(),
  z
    .object({
      kind: z.literal('fields'),
      rows: z
        .array(z.tuple([z.string().min(1).max(200), z.string().max(1000)]))
        .min(1)
        .max(100),
    })
    .strict(),
  z
    .object({
      kind: z.literal('table'),
      source: z.enum(['installments', 'lenders', 'acceptances']),
      columns: z.array(column).min(1).max(8),
    })
    .strict(),
  z.object({ kind: z.literal('space') }).strict(),
]);
export type TemplateBlock = z.infer<typeof templateBlockSchema>;
export const templateBodySchema = z.array(templateBlockSchema).min(1).max(400);
export type TemplateBody = z.infer<typeof templateBodySchema>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders a piece of text names, in order. */
export function placeholdersIn(value: string): string[] {
  return [...value.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Replaces each placeholder with its value; an unknown one (impossible once saved) stays visible. */
export function fill(value: string, lookup: (path: string) => string | undefined): string {
  return value.replace(PLACEHOLDER, (whole, path: string) => lookup(path) ?? whole);
}

const TERMS: Record<ContractKind, readonly string[] | null> = {
  loan: [
    'amount',
    'currency',
    'annualRate',
    'apr',
    'term',
    'termUnit',
    'method',
    'startDate',
    'product',
    'upfrontFee',
    'reserveContribution',
    'periodFee',
    'penaltyDailyRate',
    'lateFee',
    'graceDays',
    'prepaymentFeeRate',
  ],
  note_transfer: [
    'noteId',
    'loanId',
    'principal',
    'price',
    'discountRate',
    'fee',
    'currency',
    'transferDate',
    'loanAnnualRate',
    'remainingInstallments',
  ],
  credit_line: [
    'limit',
    'currency',
    'dailyRate',
    'annualRate',
    'apr',
    'product',
    'openedOn',
    'statementDay',
    'graceDays',
    'penaltyDailyRate',
    'reviewOn',
  ],
  // Wealth purchases are not built yet: their terms are whatever wealth will hand over.
  wealth_product: null,
};

/** The parties a kind of contract has (besides the platform), each with its personal data. */
export const PARTY_PLACEHOLDER_ROLES: Record<ContractKind, readonly string[]> = {
  loan: ['borrower'],
  note_transfer: ['seller', 'buyer'],
  credit_line: ['customer'],
  wealth_product: ['customer'],
};
export const PARTY_FIELDS = ['name', 'idNumber', 'phone'] as const;
export const PLATFORM_FIELDS = ['name', 'address', 'website', 'licence'] as const;
export const CONTRACT_FIELDS = [
  'number',
  'signedAt',
  'signedDate',
  'businessDate',
  'termsDigest',
  'digestAlgorithm',
  'templateVersion',
] as const;
/** Rates as percentages and units in words, in the template's language (contract-data.ts). */
export const TEXT_FIELDS = [
  'annualRatePercent',
  'aprPercent',
  'dailyRatePercent',
  'penaltyDailyRatePercent',
  'prepaymentFeeRatePercent',
  'discountRatePercent',
  'loanAnnualRatePercent',
  'termUnit',
  'method',
  'installmentCount',
  'governingNote',
] as const;

/** Whether a placeholder names something the contract's data has for this kind. */
export function knownPlaceholder(kind: ContractKind, path: string): boolean {
  const [head, ...rest] = path.split('.');
  const field = rest.join('.');
  if (rest.length !== 1 && !(head === 'terms' && rest.length >= 1)) return false;
  if (head === 'terms') {
    const terms = TERMS[kind];
    return terms === null ? /^[A-Za-z][A-Za-z0-9]*$/.test(field) : terms.includes(field);
  }
  if (head === 'contract') return (CONTRACT_FIELDS as readonly string[]).includes(field);
  if (head === 'platform') return (PLATFORM_FIELDS as readonly string[]).includes(field);
  if (head === 'text') return (TEXT_FIELDS as readonly string[]).includes(field);
  if (PARTY_PLACEHOLDER_ROLES[kind].includes(head!))
    return (PARTY_FIELDS as readonly string[]).includes(field);
  return false;
}

/** Refuses a body naming a placeholder or a table column the kind's data does not have (422, naming it). */
export function checkTemplate(kind: ContractKind, title: string, body: TemplateBody): void {
  const texts: string[] = [title];
  for (const block of body) {
    if (block.kind === 'heading' || block.kind === 'paragraph') texts.push(block.text);
    if (block.kind === 'fields') for (const [label, value] of block.rows) texts.push(label, value);
    if (block.kind === 'table') {
      for (const c of block.columns) {
        texts.push(c.header);
        if (!(TABLE_SOURCES[block.source] as readonly string[]).includes(c.field))
          throw ruleViolation(
            'template_placeholder_unknown',
            `the ${block.source} table has no column ${c.field}`,
            { placeholder: `${block.source}.${c.field}` },
          );
      }
      if (block.source === 'lenders' && kind !== 'loan')
        throw ruleViolation('template_placeholder_unknown', 'only a loan has lenders', {
          placeholder: 'lenders',
        });
      if (block.source === 'installments' && kind !== 'loan')
        throw ruleViolation('template_placeholder_unknown', 'only a loan has installments', {
          placeholder: 'installments',
        });
    }
  }
  for (const value of texts)
    for (const path of placeholdersIn(value))
      if (!knownPlaceholder(kind, path))
        throw ruleViolation('template_placeholder_unknown', `unknown placeholder {{${path}}}`, {
          placeholder: path,
        });
}
