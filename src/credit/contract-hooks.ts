import type { Executor } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * Credit's deals as a contracts register hears of them. Credit does not know compliance: compliance
 * registers these listeners and credit calls them inside its own transactions (a line's opening, the
 * customer's application), so that no line is open without its contract. With none registered both
 * are no-ops, so credit works on its own.
 */

/** A line granted its limit and terms, on application or after a risk officer's review. */
export interface CreditLineIssued {
  readonly kind: 'credit_line';
  readonly lineId: string;
  readonly customerId: string;
  readonly terms: Readonly<Record<string, unknown>>;
  readonly signedAt: Date;
  readonly businessDate: PlainDate;
  /** The line's risk decision: a risk officer may have set the limit or rate in a manual review. */
  readonly decisionId: string | null;
}

export interface CreditAcceptance {
  readonly kind: 'credit_line';
  readonly subjectType: 'credit_line';
  readonly subjectId: string;
  readonly userId: string;
  readonly role: 'customer';
  readonly acceptedAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly terms: Readonly<Record<string, unknown>>;
}

export interface CreditContractHooks {
  issued(trx: Executor, deal: CreditLineIssued): Promise<void>;
  accepted(trx: Executor, acceptance: CreditAcceptance): Promise<void>;
}

/** Where the contracts register's hooks are kept (one per Credit instance). */
export class CreditContractRegistry {
  private hooks: CreditContractHooks | null = null;

  register(hooks: CreditContractHooks): void {
    this.hooks = hooks;
  }

  async issued(trx: Executor, deal: CreditLineIssued): Promise<void> {
    if (this.hooks) await this.hooks.issued(trx, deal);
  }

  /** Records the acceptance of the customer acting in `audit`; without a request there is none. */
  async accepted(
    trx: Executor,
    audit: AuditContext | undefined,
    acceptance: Omit<CreditAcceptance, 'ip' | 'userAgent'>,
  ): Promise<void> {
    if (!this.hooks || !audit) return;
    await this.hooks.accepted(trx, { ...acceptance, ip: audit.ip, userAgent: audit.userAgent ?? null });
  }
}
