import type { Money } from '../../api.ts';

/** What /v1/crm/... answers (src/api/routes/crm-portraits.ts). */
export type CustomerClass = 'A' | 'B' | 'C';

export interface MaskedWho {
  readonly phone: string;
  readonly displayName: string | null;
  readonly realName: string | null;
  readonly kycLevel: number;
}

export interface PortraitSummary {
  readonly userId: string;
  readonly asOf: string;
  readonly class: CustomerClass | null;
  readonly classReason: string | null;
  readonly classSince: string | null;
  readonly aum: Money;
  readonly aumBand: string;
  readonly contribution: Money;
  readonly worstDpd: number;
  readonly riskClass: string | null;
  readonly tags: { readonly rules: string[]; readonly staff: string[] };
  readonly who?: MaskedWho;
}

export interface ClassChange {
  readonly id: string;
  readonly fromClass: CustomerClass | null;
  readonly toClass: CustomerClass;
  readonly reason: string;
  readonly businessDate: string;
}

export interface StaffTag {
  readonly id: string;
  readonly tag: string;
  readonly addedBy: string;
  readonly addedAt: string;
  readonly removedBy: string | null;
  readonly removedAt: string | null;
}

export interface Portrait extends PortraitSummary {
  readonly who: MaskedWho;
  readonly computedAt: string;
  readonly sections: {
    identity: {
      channel: string;
      signedUpAt: string;
      kycLevel: number;
      ageBand: string;
      province: string | null;
      city: string | null;
      sex: 'm' | 'f' | null;
    };
    activity: { lastSeenAt: string | null; activeDays30: number };
    risk: { class: string | null; expiresOn: string | null };
    investing: {
      count: number;
      amount: Money;
      count90: number;
      amount90: Money;
      perMonth: string;
      firstOn: string | null;
      lastOn: string | null;
      grades: string[];
      products: string[];
      usualTerm: string | null;
      autoInvest: boolean;
    };
    assets: { aum: Money; band: string; wallet: Money; notes: Money; funds: Money };
    borrowing: {
      loans: number;
      active: number;
      repaid: number;
      amount: Money;
      latePeriods: number;
      onTimePeriods: number;
      currentDpd: number;
      worstDpd: number;
      behaviour: string;
      creditLines: number;
      creditLimit: Money;
      draws: number;
      drawn: Money;
    };
    payments: {
      count90: number;
      amount90: Money;
      topUps90: number;
      withdrawals90: number;
      lastPaidOn: string | null;
    };
    contribution: { total: Money; byKind: Record<string, Money>; windowMonths: number };
  };
  readonly live: { lastSeenAt: string | null; openSessions: number };
  readonly riskHistory: { class: string; previousClass: string | null; assessedOn: string }[];
  readonly classHistory: ClassChange[];
  readonly staffTagHistory: StaffTag[];
  readonly manager: { managerId: string; assignedAt: string } | null;
  /** Staff names by user id: the tags' history and the manager. */
  readonly staffNames: Record<string, string>;
}

export interface ClassSummary {
  readonly asOf: string | null;
  readonly classes: {
    class: CustomerClass | 'unclassed';
    customers: number;
    contribution: Money;
    aum: Money;
  }[];
  readonly aWithoutManager: number;
}

export const classColor: Record<string, string> = { A: 'gold', B: 'blue', C: 'default' };
