import type { ContractDeviation, LoanTerms } from '../../src/compliance/contracts/model.ts';
import { inTransaction } from '../../src/db/index.ts';
import type { TestApp } from '../support/platform.ts';
import { signUp, type TestUser, uniqueIdNumber } from '../support/users.ts';

/**
 * A loan contract issued straight through compliance (not through a real disbursement: the deals
 * end to end are tested with lending), between a borrower and a lender who verified their identity
 * under names of their own, each having accepted before signing.
 */
export interface IssuedLoan {
  readonly contractId: string;
  readonly loanId: string;
  readonly borrower: TestUser & { realName: string; idNumber: string };
  readonly lender: TestUser & { realName: string; idNumber: string };
  readonly terms: LoanTerms;
}

export async function verifiedAs(t: TestApp, realName: string) {
  const user = await signUp(t);
  const idNumber = uniqueIdNumber();
  const kyc = await t.app.inject({
    method: 'POST',
    url: '/v1/me/kyc',
    headers: user.headers,
    payload: { realName, idNumber },
  });
  if (kyc.statusCode !== 200) throw new Error(`kyc failed: ${kyc.body}`);
  return { ...user, realName, idNumber };
}

export function loanTerms(amount: string): LoanTerms {
  return {
    amount,
    currency: 'CNY',
    annualRate: '0.108',
    apr: '0.1297',
    term: 2,
    termUnit: 'month',
    method: 'equal_installment',
    startDate: '2026-01-05',
    product: 'consumer-2m@3',
    upfrontFee: '88.00',
    reserveContribution: '44.00',
    periodFee: '6.00',
    penaltyDailyRate: '0.0005',
    lateFee: '25.00',
    graceDays: 3,
    prepaymentFeeRate: '0.01',
    installments: [
      { period: 1, dueDate: '2026-02-05', principal: '4382.37', interest: '79.20' },
      { period: 2, dueDate: '2026-03-05', principal: '4417.63', interest: '39.76' },
    ],
  };
}

export async function issueLoan(
  t: TestApp,
  options: { amount?: string; deviations?: ContractDeviation[]; borrowerName?: string } = {},
): Promise<IssuedLoan> {
  const { platform, clock } = t;
  const borrower = await verifiedAs(t, options.borrowerName ?? '欧阳娜娜');
  const lender = await verifiedAs(t, '司马光');
  const loanId = crypto.randomUUID();
  const terms = loanTerms(options.amount ?? '8800.00');
  const contracts = platform.compliance.contracts;
  await inTransaction(platform.db, async (trx) => {
    for (const [party, role] of [
      [borrower, 'borrower'],
      [lender, 'lender'],
    ] as const)
      await contracts.accept(trx, {
        kind: 'loan',
        subjectType: 'loan',
        subjectId: loanId,
        userId: party.userId,
        role,
        acceptedAt: clock.now(),
        ip: '198.51.100.23',
        userAgent: 'test',
        terms: { amount: terms.amount, annualRate: terms.annualRate },
      });
  });
  clock.advanceSeconds(30);
  const { contractId } = await inTransaction(platform.db, (trx) =>
    contracts.issue(trx, {
      kind: 'loan',
      subjectType: 'loan',
      subjectId: loanId,
      signedAt: clock.now(),
      businessDate: clock.businessDate(),
      terms,
      parties: [
        { userId: borrower.userId, role: 'borrower' },
        { userId: lender.userId, role: 'lender', principal: terms.amount },
        { userId: null, role: 'platform' },
      ],
      ...(options.deviations ? { deviations: options.deviations } : {}),
    }),
  );
  return { contractId, loanId, borrower, lender, terms };
}
