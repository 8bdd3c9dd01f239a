import { createHash } from 'node:crypto';
import { extractText } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { type PdfDocument, renderPdf } from './pdf.ts';

const document: PdfDocument = {
  title: '借款合同 Loan agreement',
  createdAt: new Date('2026-12-01T08:00:00Z'),
  footer: 'NF-20261201-ABC',
  blocks: [
    { kind: 'heading', text: '第一条 借款金额' },
    { kind: 'paragraph', text: `借款人张三向出借人借款人民币壹万元整（¥10,000.00）。${'长'.repeat(300)}` },
    { kind: 'fields', rows: [['年化利率 APR', '13.0001%']] },
    {
      kind: 'table',
      header: ['期数', '到期日', '本金'],
      rows: Array.from({ length: 80 }, (_, i) => [`${i + 1}`, '2027-01-01', '833.33']),
    },
  ],
};

async function text(bytes: Uint8Array): Promise<string> {
  const { text } = await extractText(new Uint8Array(bytes), { mergePages: true });
  return String(text);
}

describe('PDF documents', () => {
  it('render Chinese that can be extracted back, over several pages', async () => {
    const bytes = await renderPdf(document);
    const extracted = await text(bytes);
    expect(extracted).toContain('借款合同');
    expect(extracted).toContain('借款人张三向出借人借款人民币壹万元整');
    expect(extracted).toContain('13.0001%');
    // 80 table rows and 300 wrapped characters do not fit one page; the footer numbers them.
    expect(extracted).toMatch(/NF-20261201-ABC\s+1 \/ [2-9]/);
  });

  it('are the same bytes for the same document, and different for a different one', async () => {
    const [a, b] = await Promise.all([renderPdf(document), renderPdf(document)]);
    const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    expect(digest(a)).toBe(digest(b));
    const changed = await renderPdf({ ...document, blocks: [{ kind: 'paragraph', text: '借款人李四' }] });
    expect(digest(changed)).not.toBe(digest(a));
  });
});
