import { defaultGraph } from './default-graph.ts';

/**
 * The decision graph for revolving credit lines (src/credit), versioned and published like the loan
 * graph under its own name, so that risk staff change one without touching the other. It keeps the
 * loan graph's shape (anti-fraud, exposure, credit policy, the scorecard node, grading, verdict) and
 * differs where a line differs from a loan:
 * - velocity is stricter: a line is granted once and reused, so a device or an address shared by
 *   three applicants in 30 days is already suspicious (five and ten for a loan);
 * - pricing gives a daily rate for cash draws, shown as `annualRate` = daily rate × 365 so that
 *   the engine's checks and caps apply unchanged; the line reads the daily rate back exactly (the
 *   daily rates are multiples of 0.000005, so × 365 and ÷ 365 lose nothing), and no upfront fee.
 */
export const LINE_GRAPH_NAME = 'credit-line-policy';

const SUB_GRADES = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].flatMap((g) => [1, 2, 3, 4, 5].map((n) => `${g}${n}`));

/** The daily rate of a sub-grade, in millionths: 0.0200% a day for A1, rising 0.0005% a sub-grade. */
export function lineDailyRateMicros(subGradeIndex: number): number {
  return 200 + subGradeIndex * 5;
}

function linePricingRules() {
  return SUB_GRADES.map((grade, i) => {
    // Integer arithmetic in millionths, so that the string is exact.
    const annualMicros = lineDailyRateMicros(i) * 365;
    return {
      _id: `price-${grade}`,
      grade: JSON.stringify(grade),
      annualRate: JSON.stringify(`0.${String(annualMicros).padStart(6, '0')}`),
      upfrontFeeRate: JSON.stringify('0.0000'),
    };
  });
}

interface Node {
  id: string;
  content?: { rules?: Record<string, string>[] } & Record<string, unknown>;
}

export function lineGraph(): Record<string, unknown> {
  const graph = defaultGraph() as { nodes: Node[] } & Record<string, unknown>;
  const node = (id: string) => {
    const found = graph.nodes.find((n) => n.id === id);
    if (!found?.content?.rules) throw new Error(`the loan graph has no rule table ${id}`);
    return found.content as { rules: Record<string, string>[] };
  };
  const stricter: Record<string, [string, string]> = {
    device: ['device', '>= 3'],
    ip: ['ip', '>= 3'],
  };
  node('anti-fraud').rules = node('anti-fraud').rules.map((rule) => {
    const change = stricter[rule._id ?? ''];
    if (!change) return rule;
    const [field, condition] = change;
    return { ...rule, [field]: condition };
  });
  node('pricing').rules = linePricingRules();
  return graph;
}
