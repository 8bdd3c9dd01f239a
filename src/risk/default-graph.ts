/**
 * The credit policy netfin ships: a decision graph (GoRules JDM) that risk staff can copy, edit and
 * publish as new versions. Its shape: anti-fraud rules, derived exposures, credit-policy rules, the
 * scorecard (a custom node), grading by score, pricing by grade, and a verdict. Amounts arrive as
 * decimal strings in yuan and are read with number(), which ZEN evaluates in exact decimals.
 */
export const DEFAULT_GRAPH_NAME = 'credit-policy';

const SUB_GRADES = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].flatMap((g) => [1, 2, 3, 4, 5].map((n) => `${g}${n}`));

/**
 * Score bands, set from the shipped model's scores on its training data (5th to 95th percentile
 * about 540 to 610): A1 from 615 down in steps of 4, so that most applicants land in A to D, the
 * weakest tenth in E and F (referred) and the tail in G (declined).
 */
function gradeRules() {
  return SUB_GRADES.map((grade, i) => ({
    _id: `grade-${grade}`,
    score: i === SUB_GRADES.length - 1 ? '' : `>= ${615 - i * 4}`,
    grade: JSON.stringify(grade),
  }));
}

/** LendingClub-style pricing: a base rate plus a premium per sub-grade, never above the cap. */
function pricingRules() {
  return SUB_GRADES.map((grade, i) => {
    const rate = (0.06 + i * 0.005).toFixed(4);
    const fee = (0.01 + Math.floor(i / 5) * 0.005).toFixed(4);
    return {
      _id: `price-${grade}`,
      grade: JSON.stringify(grade),
      annualRate: JSON.stringify(rate),
      upfrontFeeRate: JSON.stringify(fee),
    };
  });
}

const position = (x: number) => ({ x, y: 100 });

export function defaultGraph(): Record<string, unknown> {
  return {
    contentType: 'application/vnd.gorules.decision',
    nodes: [
      { id: 'input', type: 'inputNode', name: 'Application', position: position(0) },
      {
        id: 'anti-fraud',
        type: 'decisionTableNode',
        name: 'Anti-fraud rules',
        position: position(250),
        content: {
          hitPolicy: 'collect',
          passThrough: true,
          outputPath: 'antiFraud',
          inputs: [
            { id: 'blacklist', name: 'Blacklist hit', field: 'blacklist.hit' },
            { id: 'kyc', name: 'KYC level', field: 'applicant.kycLevel' },
            { id: 'phone', name: 'Phone matches bureau', field: 'bureau.phoneMatches' },
            { id: 'age', name: 'Age', field: 'applicant.age' },
            { id: 'apps', name: 'Applications in 24 h', field: 'velocity.applications24h' },
            { id: 'device', name: 'Applicants on this device (30 days)', field: 'velocity.deviceApplicants' },
            { id: 'ip', name: 'Applicants from this IP (30 days)', field: 'velocity.ipApplicants' },
          ],
          outputs: [{ id: 'reason', name: 'Reason', field: 'reason' }],
          rules: [
            {
              _id: 'blacklist',
              blacklist: 'true',
              kyc: '',
              phone: '',
              age: '',
              apps: '',
              device: '',
              ip: '',
              reason: '"blacklist_hit"',
            },
            {
              _id: 'kyc',
              blacklist: '',
              kyc: '< 1',
              phone: '',
              age: '',
              apps: '',
              device: '',
              ip: '',
              reason: '"identity_not_verified"',
            },
            {
              _id: 'phone',
              blacklist: '',
              kyc: '',
              phone: 'false',
              age: '',
              apps: '',
              device: '',
              ip: '',
              reason: '"identity_phone_mismatch"',
            },
            {
              _id: 'young',
              blacklist: '',
              kyc: '',
              phone: '',
              age: '< 18',
              apps: '',
              device: '',
              ip: '',
              reason: '"age_under_18"',
            },
            {
              _id: 'old',
              blacklist: '',
              kyc: '',
              phone: '',
              age: '> 65',
              apps: '',
              device: '',
              ip: '',
              reason: '"age_over_65"',
            },
            {
              _id: 'velocity',
              blacklist: '',
              kyc: '',
              phone: '',
              age: '',
              apps: '>= 2',
              device: '',
              ip: '',
              reason: '"three_or_more_applications_in_24_hours"',
            },
            {
              _id: 'device',
              blacklist: '',
              kyc: '',
              phone: '',
              age: '',
              apps: '',
              device: '>= 5',
              ip: '',
              reason: '"device_shared_by_many_applicants"',
            },
            {
              _id: 'ip',
              blacklist: '',
              kyc: '',
              phone: '',
              age: '',
              apps: '',
              device: '',
              ip: '>= 10',
              reason: '"ip_shared_by_many_applicants"',
            },
          ],
        },
      },
      {
        id: 'exposure',
        type: 'expressionNode',
        name: 'Exposure after this loan',
        position: position(500),
        content: {
          passThrough: true,
          expressions: [
            {
              id: 'platform',
              key: 'exposure.platform',
              value: 'number(internal.outstandingPrincipal) + number(application.amount)',
            },
            {
              id: 'total',
              key: 'exposure.total',
              value:
                'number(internal.outstandingPrincipal) + number(application.amount) + number(bureau.otherPlatformOutstanding)',
            },
            { id: 'income', key: 'exposure.monthlyIncome', value: 'number(application.monthlyIncome)' },
          ],
        },
      },
      {
        id: 'credit-policy',
        type: 'decisionTableNode',
        name: 'Credit policy',
        position: position(750),
        content: {
          hitPolicy: 'collect',
          passThrough: true,
          outputPath: 'policy',
          inputs: [
            { id: 'others', name: 'Loans at other platforms', field: 'bureau.otherPlatformLoans' },
            { id: 'dti', name: 'Debt to income', field: 'application.debtToIncome' },
            {
              id: 'income',
              name: 'Monthly income minus floor',
              field: 'exposure.monthlyIncome - number(settings.incomeFloor)',
            },
            {
              id: 'platform',
              name: 'Platform exposure over cap',
              field: 'exposure.platform - number(settings.platformOutstandingMax)',
            },
            {
              id: 'total',
              name: 'Total exposure over cap',
              field: 'exposure.total - number(settings.totalOutstandingMax)',
            },
          ],
          outputs: [{ id: 'reason', name: 'Reason', field: 'reason' }],
          rules: [
            {
              _id: 'others',
              others: '>= 5',
              dti: '',
              income: '',
              platform: '',
              total: '',
              reason: '"too_many_loans_at_other_platforms"',
            },
            {
              _id: 'dti',
              others: '',
              dti: '> 0.5',
              income: '',
              platform: '',
              total: '',
              reason: '"debt_to_income_over_50_percent"',
            },
            {
              _id: 'income',
              others: '',
              dti: '',
              income: '< 0',
              platform: '',
              total: '',
              reason: '"income_below_floor"',
            },
            {
              _id: 'platform',
              others: '',
              dti: '',
              income: '',
              platform: '> 0',
              total: '',
              reason: '"platform_outstanding_cap_exceeded"',
            },
            {
              _id: 'total',
              others: '',
              dti: '',
              income: '',
              platform: '',
              total: '> 0',
              reason: '"total_outstanding_cap_exceeded"',
            },
          ],
        },
      },
      {
        id: 'scorecard',
        type: 'customNode',
        name: 'Scorecard',
        position: position(1000),
        content: { kind: 'scorecard', config: { model: 'default' } },
      },
      {
        id: 'grading',
        type: 'decisionTableNode',
        name: 'Grade by score',
        position: position(1250),
        content: {
          hitPolicy: 'first',
          passThrough: true,
          outputPath: 'grading',
          inputs: [{ id: 'score', name: 'Score', field: 'scorecard.score' }],
          outputs: [{ id: 'grade', name: 'Grade', field: 'grade' }],
          rules: gradeRules(),
        },
      },
      {
        id: 'pricing',
        type: 'decisionTableNode',
        name: 'Price by grade',
        position: position(1500),
        content: {
          hitPolicy: 'first',
          passThrough: true,
          outputPath: 'pricing',
          inputs: [{ id: 'grade', name: 'Grade', field: 'grading.grade' }],
          outputs: [
            { id: 'annualRate', name: 'Annual rate', field: 'annualRate' },
            { id: 'upfrontFeeRate', name: 'Upfront fee rate', field: 'upfrontFeeRate' },
          ],
          rules: pricingRules(),
        },
      },
      {
        id: 'verdict',
        type: 'expressionNode',
        name: 'Verdict',
        position: position(1750),
        content: {
          expressions: [
            {
              id: 'reasons',
              key: 'reasons',
              value: 'flatten([map(antiFraud, #.reason), map(policy, #.reason)])',
            },
            {
              id: 'outcome',
              key: 'outcome',
              value:
                "len(antiFraud) > 0 or len(policy) > 0 ? 'decline' : (startsWith(grading.grade, 'G') ? 'decline' : (startsWith(grading.grade, 'E') or startsWith(grading.grade, 'F') ? 'refer' : 'approve'))",
            },
            { id: 'grade', key: 'grade', value: 'grading.grade' },
            { id: 'score', key: 'score', value: 'scorecard.score' },
            { id: 'rate', key: 'annualRate', value: 'pricing.annualRate' },
            { id: 'fee', key: 'upfrontFeeRate', value: 'pricing.upfrontFeeRate' },
            { id: 'scoreReasons', key: 'scoreReasons', value: 'scorecard.reasons' },
            { id: 'pd', key: 'probabilityOfDefault', value: 'scorecard.probabilityOfDefault' },
          ],
        },
      },
      { id: 'output', type: 'outputNode', name: 'Decision', position: position(2000) },
    ],
    edges: [
      { id: 'e1', sourceId: 'input', targetId: 'anti-fraud', type: 'edge' },
      { id: 'e2', sourceId: 'anti-fraud', targetId: 'exposure', type: 'edge' },
      { id: 'e3', sourceId: 'exposure', targetId: 'credit-policy', type: 'edge' },
      { id: 'e4', sourceId: 'credit-policy', targetId: 'scorecard', type: 'edge' },
      { id: 'e5', sourceId: 'scorecard', targetId: 'grading', type: 'edge' },
      { id: 'e6', sourceId: 'grading', targetId: 'pricing', type: 'edge' },
      { id: 'e7', sourceId: 'pricing', targetId: 'verdict', type: 'edge' },
      { id: 'e8', sourceId: 'verdict', targetId: 'output', type: 'edge' },
    ],
  };
}
