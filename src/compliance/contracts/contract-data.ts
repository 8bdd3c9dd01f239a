import { CNY, Decimal, formatAmount, parseAmount } from '../../kernel/index.ts';
import type { ContractKind, ContractLanguage, ContractParty } from './model.ts';
import type { TableSource } from './template-format.ts';

/** A contract as stored: what a PDF is rendered from (with the sealed party data below). */
export interface ContractRecord {
  readonly id: string;
  readonly number: string;
  readonly kind: ContractKind;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly terms: Readonly<Record<string, unknown>>;
  readonly parties: readonly ContractParty[];
  readonly termsDigest: string;
  readonly digestAlgorithm: string;
  readonly signedAt: Date;
  readonly businessDate: string;
}

/**
 * The parties' personal data and their acceptances as they stood when the contract was first
 * rendered, sealed with the vault and kept with the contract, so that a later render (a lost
 * document, a check) gives the same bytes even if a party has since changed their phone number.
 */
export interface PartyData {
  readonly people: Readonly<Record<string, { name: string; idNumber: string; phone: string }>>;
  readonly acceptances: readonly {
    readonly role: string;
    readonly name: string;
    readonly acceptedAt: string;
    readonly ip: string;
    readonly hash: string;
    readonly templateVersion: string;
  }[];
}

export const PLATFORM = {
  zh: {
    name: 'netfin 网络金融信息服务平台（网金科技有限公司）',
    address: '中华人民共和国上海市浦东新区',
    website: 'https://netfin.example',
    licence: '网络借贷信息中介机构备案',
  },
  en: {
    name: 'netfin Internet Finance Platform (Netfin Technology Co., Ltd.)',
    address: 'Pudong New Area, Shanghai, PRC',
    website: 'https://netfin.example',
    licence: 'Registered online lending information intermediary',
  },
} as const;

const WORDS = {
  zh: {
    day: '天',
    month: '个月',
    equal_installment: '等额本息',
    equal_principal: '等额本金',
    interest_first: '先息后本',
    bullet: '到期一次还本付息',
    borrower: '借款人',
    lender: '出借人',
    seller: '转让人',
    buyer: '受让人',
    customer: '客户',
    platform: '平台',
    governing: '本合同以中文文本为准。',
  },
  en: {
    day: 'day(s)',
    month: 'month(s)',
    equal_installment: 'equal instalments of principal and interest',
    equal_principal: 'equal principal',
    interest_first: 'interest only, principal at maturity',
    bullet: 'principal and interest at maturity',
    borrower: 'Borrower',
    lender: 'Lender',
    seller: 'Seller',
    buyer: 'Buyer',
    customer: 'Customer',
    platform: 'Platform',
    governing:
      'This English text is a translation for reference only; the Chinese text governs in case of any difference.',
  },
} as const;

function word(language: ContractLanguage, key: string): string {
  return (WORDS[language] as Record<string, string>)[key] ?? key;
}

/** "0.125" → "12.5%", without going through a float. */
export function percent(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '—';
  try {
    return `${new Decimal(value).times(100).toFixed()}%`;
  } catch {
    return value;
  }
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function sum(a: unknown, b: unknown): string {
  const x = parseAmount(String(a), CNY, { allowZero: true });
  const y = parseAmount(String(b), CNY, { allowZero: true });
  return x.ok && y.ok ? formatAmount(x.value + y.value, CNY) : '—';
}

const EMPTY_PERSON = { name: '—', idNumber: '—', phone: '—' };

/** Looks up a placeholder's value for a contract in a language. */
export function contractLookup(
  contract: ContractRecord,
  data: PartyData,
  language: ContractLanguage,
  templateVersion: number,
): (path: string) => string | undefined {
  const terms = contract.terms;
  const text: Record<string, string> = {
    annualRatePercent: percent(terms.annualRate),
    aprPercent: percent(terms.apr),
    dailyRatePercent: percent(terms.dailyRate),
    penaltyDailyRatePercent: percent(terms.penaltyDailyRate),
    prepaymentFeeRatePercent: percent(terms.prepaymentFeeRate),
    discountRatePercent: percent(terms.discountRate),
    loanAnnualRatePercent: percent(terms.loanAnnualRate),
    termUnit: word(language, show(terms.termUnit)),
    method: word(language, show(terms.method)),
    installmentCount: Array.isArray(terms.installments) ? String(terms.installments.length) : '—',
    governingNote: WORDS[language].governing,
  };
  const signed = contract.signedAt.toISOString();
  const contractFields: Record<string, string> = {
    number: contract.number,
    signedAt: `${signed.slice(0, 19).replace('T', ' ')} UTC`,
    signedDate: contract.businessDate,
    businessDate: contract.businessDate,
    termsDigest: contract.termsDigest,
    digestAlgorithm: contract.digestAlgorithm,
    templateVersion: String(templateVersion),
  };
  return (path) => {
    const [head, ...rest] = path.split('.');
    const field = rest.join('.');
    if (head === 'terms') return show(terms[field]);
    if (head === 'contract') return contractFields[field];
    if (head === 'text') return text[field];
    if (head === 'platform') return (PLATFORM[language] as Record<string, string>)[field];
    const party = contract.parties.find((p) => p.role === head && p.userId !== null);
    if (party) return (data.people[party.userId!] ?? EMPTY_PERSON)[field as 'name'];
    return head && rest.length === 1 ? '—' : undefined;
  };
}

/** A table source's rows, each a record of its columns. */
export function tableRows(
  source: TableSource,
  contract: ContractRecord,
  data: PartyData,
  language: ContractLanguage,
): Record<string, string>[] {
  switch (source) {
    case 'installments': {
      const rows = Array.isArray(contract.terms.installments) ? contract.terms.installments : [];
      return rows.map((i: Record<string, unknown>) => ({
        period: show(i.period),
        dueDate: show(i.dueDate),
        principal: show(i.principal),
        interest: show(i.interest),
        total: sum(i.principal, i.interest),
      }));
    }
    case 'lenders':
      return contract.parties
        .filter((p) => p.role === 'lender' && p.userId !== null)
        .map((p) => ({ ...(data.people[p.userId!] ?? EMPTY_PERSON), principal: p.principal ?? '—' }));
    case 'acceptances':
      return data.acceptances.map((a) => ({ ...a, role: word(language, a.role) }));
  }
}
