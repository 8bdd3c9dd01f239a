import { unreachable } from '../../kernel/index.ts';
import type { PdfBlock, PdfDocument } from '../pdf.ts';
import { type ContractRecord, contractLookup, type PartyData, tableRows } from './contract-data.ts';
import type { ContractLanguage } from './model.ts';
import { fill, type TemplateBody } from './template-format.ts';

export interface TemplateText {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  readonly body: TemplateBody;
}

/**
 * A contract's PDF document from its template and stored data only: the dates in it are the
 * contract's signing time, never the clock, so the same contract renders to the same bytes.
 */
export function composeContract(
  contract: ContractRecord,
  data: PartyData,
  language: ContractLanguage,
  template: TemplateText,
): PdfDocument {
  const lookup = contractLookup(contract, data, language, template.version);
  const text = (value: string) => fill(value, lookup);
  const blocks: PdfBlock[] = template.body.map((block): PdfBlock => {
    switch (block.kind) {
      case 'heading':
      case 'paragraph':
        return { kind: block.kind, text: text(block.text) };
      case 'fields':
        return {
          kind: 'fields',
          rows: block.rows.map(([label, value]) => [text(label), text(value)] as const),
        };
      case 'space':
        return { kind: 'space' };
      case 'table': {
        const rows = tableRows(block.source, contract, data, language);
        const widths = block.columns.every((c) => c.width !== undefined)
          ? normalise(block.columns.map((c) => c.width!))
          : undefined;
        return {
          kind: 'table',
          header: block.columns.map((c) => text(c.header)),
          rows:
            rows.length === 0
              ? [block.columns.map(() => '—')]
              : rows.map((r) => block.columns.map((c) => r[c.field] ?? '—')),
          ...(widths ? { widths } : {}),
        };
      }
      default:
        return unreachable(block);
    }
  });
  return {
    title: text(template.title),
    createdAt: contract.signedAt,
    author: 'netfin',
    footer: `${contract.number}  ${language === 'zh' ? '模板' : 'template'} v${template.version}`,
    blocks,
  };
}

function normalise(widths: number[]): number[] {
  const total = widths.reduce((a, b) => a + b, 0);
  return widths.map((w) => w / total);
}
