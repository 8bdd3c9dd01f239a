import { describe, expect, it } from 'vitest';
import { DomainError } from '../../kernel/index.ts';
import { percent } from './contract-data.ts';
import { DEFAULT_TEMPLATES_EN } from './default-templates-en.ts';
import { DEFAULT_TEMPLATES_ZH } from './default-templates-zh.ts';
import { CONTRACT_KINDS } from './model.ts';
import { checkTemplate, fill, knownPlaceholder, placeholdersIn } from './template-format.ts';

describe('contract template placeholders', () => {
  it('are found and filled, an unknown one left visible', () => {
    expect(placeholdersIn('{{ borrower.name }} owes {{terms.amount}}')).toEqual([
      'borrower.name',
      'terms.amount',
    ]);
    const values: Record<string, string> = { 'terms.amount': '100.00' };
    expect(fill('pay {{terms.amount}} to {{x.y}}', (p) => values[p])).toBe('pay 100.00 to {{x.y}}');
  });

  it('are known per kind of contract', () => {
    expect(knownPlaceholder('loan', 'borrower.idNumber')).toBe(true);
    expect(knownPlaceholder('loan', 'terms.apr')).toBe(true);
    expect(knownPlaceholder('loan', 'buyer.name')).toBe(false);
    expect(knownPlaceholder('note_transfer', 'buyer.name')).toBe(true);
    expect(knownPlaceholder('loan', 'terms.nonsense')).toBe(false);
    expect(knownPlaceholder('loan', 'contract.termsDigest')).toBe(true);
    expect(knownPlaceholder('loan', 'borrower.name.first')).toBe(false);
    expect(knownPlaceholder('wealth_product', 'terms.expectedReturn')).toBe(true);
  });

  it('refuse a template naming an unknown one, with its name', () => {
    try {
      checkTemplate('loan', 'Title {{contract.number}}', [
        { kind: 'paragraph', text: 'Hi {{borrower.nickname}}' },
      ]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('template_placeholder_unknown');
      expect((error as DomainError).details).toEqual({ placeholder: 'borrower.nickname' });
    }
  });

  it('hold in every default template', () => {
    for (const kind of CONTRACT_KINDS)
      for (const set of [DEFAULT_TEMPLATES_ZH, DEFAULT_TEMPLATES_EN])
        expect(() => checkTemplate(kind, set[kind].title, set[kind].body)).not.toThrow();
  });

  it('show rates as percentages without a float', () => {
    expect(percent('0.108')).toBe('10.8%');
    expect(percent('0.00050')).toBe('0.05%');
    expect(percent(null)).toBe('—');
  });
});
