/**
 * The rule set netfin ships with: one ZEN decision table (hit policy "collect": every row that
 * matches fires). Each row is a rule; its thresholds are written in its cells, so compliance changes
 * them by publishing a new version, without a release. Amounts are integer cents (exact in a
 * JavaScript number far beyond any real amount), so no float ever decides a threshold; ratios are
 * integer basis points. The facts each cell reads are described in facts.ts.
 */
export const RULE_CODES = [
  'large_cash',
  'structuring',
  'rapid_in_out',
  'shared_identifier',
  'dormant_reactivated',
  'income_mismatch',
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export const RULE_NAMES: Record<RuleCode, { en: string; zh: string }> = {
  large_cash: { en: 'Large cash-like movements in a day', zh: '单日大额现金类交易' },
  structuring: { en: 'Structuring just below the threshold', zh: '拆分交易（略低于阈值）' },
  rapid_in_out: { en: 'Rapid in and out', zh: '快进快出' },
  shared_identifier: { en: 'Accounts sharing a device, card or address', zh: '多账户共用设备、银行卡或地址' },
  dormant_reactivated: { en: 'Dormant account suddenly active', zh: '休眠账户突然活跃' },
  income_mismatch: { en: 'Movements out of line with declared income', zh: '交易规模与申报收入不符' },
};

const column = (id: string, name: string, field: string) => ({ id, name, field });

export function defaultRules() {
  return {
    nodes: [
      { id: 'facts', type: 'inputNode', name: 'Customer facts', position: { x: 80, y: 200 } },
      {
        id: 'rules',
        type: 'decisionTableNode',
        name: 'AML rules',
        position: { x: 360, y: 200 },
        content: {
          hitPolicy: 'collect',
          inputs: [
            column('cash', 'Cash-like movements today (cents)', 'cashToday'),
            column('recent', 'Each movement in 3 days (cents)', 'recentAmounts'),
            column('rapid', 'Out within 24 h of the largest in (basis points)', 'rapidOutBp'),
            column('shared', 'Accounts sharing an identifier', 'sharedAccounts'),
            column('idle', 'Days without movement before today', 'idleDays'),
            column('month', 'Movements in 30 days (cents)', 'movements30d'),
          ],
          outputs: [
            { id: 'rule', name: 'Rule', field: 'rule' },
            { id: 'threshold', name: 'Threshold', field: 'threshold' },
          ],
          rules: [
            {
              _id: 'large-cash',
              _description: 'Top-ups, withdrawals and loans paid out in one business day reach 50,000.00',
              cash: '>= 5000000',
              recent: '',
              rapid: '',
              shared: '',
              idle: '',
              month: '',
              rule: '"large_cash"',
              threshold: '"50000.00"',
            },
            {
              _id: 'structuring',
              _description:
                'Three or more movements within 3 days, each from 90% up to (not reaching) 50,000.00',
              cash: '',
              recent: 'count($, # >= 4500000 and # < 5000000) >= 3',
              rapid: '',
              shared: '',
              idle: '',
              month: '',
              rule: '"structuring"',
              threshold: '"3 x 45000.00-49999.99"',
            },
            {
              _id: 'rapid-in-out',
              _description:
                'At least 90% of money in (1,000.00 or more) out again within 24 hours, with at most 2 other movements',
              cash: '',
              recent: '',
              rapid: '$ >= 9000 and rapidInCents >= 100000 and rapidOthers <= 2',
              shared: '',
              idle: '',
              month: '',
              rule: '"rapid_in_out"',
              threshold: '"90%"',
            },
            {
              _id: 'shared-identifier',
              _description: 'Three or more accounts share a device, a bank card or a client address',
              cash: '',
              recent: '',
              rapid: '',
              shared: '>= 3',
              idle: '',
              month: '',
              rule: '"shared_identifier"',
              threshold: '"3 accounts"',
            },
            {
              _id: 'dormant',
              _description: 'No movement for 180 days or more, then 10,000.00 or more in a day',
              cash: '',
              recent: '',
              rapid: '',
              shared: '',
              idle: '$ >= 180 and movementsToday >= 1000000',
              month: '',
              rule: '"dormant_reactivated"',
              threshold: '"180 days, 10000.00"',
            },
            {
              _id: 'income',
              _description: 'Movements in 30 days above 5 times the declared monthly income',
              cash: '',
              recent: '',
              rapid: '',
              shared: '',
              idle: '',
              month: 'declaredIncome > 0 and $ > 5 * declaredIncome',
              rule: '"income_mismatch"',
              threshold: '"5 x income"',
            },
          ],
        },
      },
      { id: 'alerts', type: 'outputNode', name: 'Alerts', position: { x: 680, y: 200 } },
    ],
    edges: [
      { id: 'facts-rules', sourceId: 'facts', targetId: 'rules', type: 'edge' },
      { id: 'rules-alerts', sourceId: 'rules', targetId: 'alerts', type: 'edge' },
    ],
  };
}
