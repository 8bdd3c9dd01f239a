import { describe, expect, it } from 'vitest';
import { blockKeys, nameForms, normaliseName } from './names.ts';

describe('normaliseName', () => {
  it('applies NFKC, drops separators, collapses spaces and lower-cases Latin', () => {
    expect(normaliseName('  ＺＨＡＮＧ　　Ｓａｎ ')).toBe('zhang san');
    expect(normaliseName('Jean-Luc•Picard')).toBe('jean luc picard');
    expect(normaliseName('阿卜杜拉·买买提')).toBe('阿卜杜拉 买买提');
  });
});

describe('nameForms', () => {
  it('gives a Han name its characters and toneless pinyin, spaced and joined, surname first and last', () => {
    const forms = nameForms('张三');
    expect(forms.han).toBe('张三');
    expect(forms.latin).toEqual(['zhang san', 'zhangsan', 'san zhang', 'sanzhang']);
  });

  it('reads a surname as a surname (单 is shan) and writes ü as v', () => {
    expect(nameForms('单雄信').latin[0]).toBe('shan xiong xin');
    expect(nameForms('吕布').latin[0]).toBe('lv bu');
  });

  it('gives a Latin name both orders of its words', () => {
    expect(nameForms('ZHANG San').latin).toEqual(['zhang san', 'zhangsan', 'san zhang', 'sanzhang']);
    expect(nameForms('Madonna').latin).toEqual(['madonna']);
  });
});

describe('blockKeys', () => {
  it('puts 张三, "ZHANG San" and "San Zhang" in the same block, and 李四 elsewhere', () => {
    const keys = (n: string) => new Set(blockKeys(nameForms(n), true));
    const zhang = keys('张三');
    expect([...keys('ZHANG San')].some((k) => zhang.has(k))).toBe(true);
    expect([...keys('San Zhang')].some((k) => zhang.has(k))).toBe(true);
    expect([...keys('李四')].some((k) => zhang.has(k))).toBe(false);
  });

  it('meets a two-syllable surname written as one word (欧阳娜娜 and "OUYANG Nana")', () => {
    const customer = new Set(blockKeys(nameForms('欧阳娜娜'), true));
    expect(blockKeys(nameForms('OUYANG Nana'), false).some((k) => customer.has(k))).toBe(true);
  });

  it('lets a one-word listed name find a customer through the joined form', () => {
    const customer = new Set(blockKeys(nameForms('张三'), true));
    expect(blockKeys(nameForms('Zhangsan'), false).some((k) => customer.has(k))).toBe(true);
  });
});
