import { type ZenDecision, ZenEngine } from '@gorules/zen-engine';
import type { GraphDocument } from './graph-validation.ts';
import type { ModelStore } from './models.ts';
import { type RowScore, scoreRows } from './scorecard/index.ts';

/**
 * The ZEN engine with netfin's scoring node: a `customNode` of kind `scorecard` scores the input's
 * `features` with the scorecard model pinned in the input (`_models[config.model]`), so a decision can
 * be replayed with exactly the model it used. Calling back from the engine into JavaScript for each
 * such node costs milliseconds, so a graph is compiled with its scorecard nodes turned into
 * expression nodes that read scores computed here, before the evaluation, from the same features and
 * model; the trace shows the node under its own id and name. Compiled graphs are kept per version id.
 */
export interface Evaluation {
  readonly result: Record<string, unknown>;
  /**
   * The trace of every node that ran, as the engine's compact JSON text (repeated values and keys
   * stored once, referenced as "@n"; decodeTrace expands it): it costs a fraction of the plain
   * trace to produce and to store, and goes straight into the decision log.
   */
  readonly trace: string | null;
}

interface Compiled {
  readonly decision: ZenDecision;
  /** The scorecard nodes: id and the model name each names. */
  readonly scorecards: { id: string; model: string }[];
}

export class RiskEngine {
  private readonly engine = new ZenEngine();
  private readonly compiled = new Map<string, Compiled>();
  private readonly scorers = new Map<
    string,
    (features: Record<string, string | number | null>) => RowScore
  >();

  constructor(private readonly models: ModelStore) {}

  private compile(graph: GraphDocument): Compiled {
    const scorecards: { id: string; model: string }[] = [];
    const nodes = graph.nodes.map((node) => {
      if (node.type !== 'customNode') return node;
      const content = (node.content ?? {}) as { kind?: string; config?: { model?: string } };
      if (content.kind !== 'scorecard')
        throw new Error(`unknown custom node kind ${content.kind} in node ${node.id}`);
      scorecards.push({ id: node.id, model: content.config?.model ?? 'default' });
      return {
        ...node,
        type: 'expressionNode',
        content: {
          passThrough: true,
          expressions: [{ id: `${node.id}-score`, key: 'scorecard', value: `_scores["${node.id}"]` }],
        },
      };
    });
    return { decision: this.engine.createDecision({ ...graph, nodes } as never), scorecards };
  }

  private compiledFor(key: string | null, graph: GraphDocument): Compiled {
    if (key) {
      const known = this.compiled.get(key);
      if (known) return known;
    }
    const compiled = this.compile(graph);
    if (key) this.compiled.set(key, compiled);
    return compiled;
  }

  private async scorer(modelId: string) {
    const known = this.scorers.get(modelId);
    if (known) return known;
    const stored = await this.models.get(modelId);
    const score = (features: Record<string, string | number | null>) =>
      scoreRows(stored.model, [features])[0]!;
    this.scorers.set(modelId, score);
    return score;
  }

  async evaluate(
    key: string | null,
    graph: GraphDocument,
    input: Record<string, unknown>,
    trace: boolean,
  ): Promise<Evaluation> {
    const compiled = this.compiledFor(key, graph);
    const scores: Record<string, unknown> = {};
    const models = (input._models ?? {}) as Record<string, string>;
    for (const node of compiled.scorecards) {
      const modelId = models[node.model];
      if (!modelId)
        throw new Error(
          JSON.stringify({ nodeId: node.id, source: `no scorecard model "${node.model}" was pinned` }),
        );
      const stored = await this.models.get(modelId);
      const row = (await this.scorer(modelId))(
        (input.features ?? {}) as Record<string, string | number | null>,
      );
      scores[node.id] = {
        score: Math.round(row.score),
        probabilityOfDefault: Number(row.probabilityBad.toFixed(6)),
        reasons: row.reasons.map((r) => `${r.variable}: ${r.bin}`),
        model: `${stored.name}@${stored.version}`,
      };
    }
    const response = await compiled.decision.evaluate(
      { ...input, _scores: scores },
      trace ? { trace: 'referenceString' } : {},
    );
    return {
      result: response.result as Record<string, unknown>,
      trace: (response.trace as unknown as string | undefined) ?? null,
    };
  }

  /** The model names a graph's scorecard nodes refer to. */
  static modelNames(graph: GraphDocument): string[] {
    return [
      ...new Set(
        graph.nodes
          .filter(
            (n) =>
              n.type === 'customNode' && (n.content as { kind?: string } | undefined)?.kind === 'scorecard',
          )
          .map((n) => ((n.content as { config?: { model?: string } }).config?.model ?? 'default') as string),
      ),
    ];
  }
}

const REFERENCE = /^@(\d+)$/;

/** Expands a trace in the engine's reference format ({"$refs": [...], "$root": {...}}) to plain JSON. */
export function decodeTrace(trace: unknown): unknown {
  const doc = typeof trace === 'string' ? (JSON.parse(trace) as unknown) : trace;
  const encoded = doc as { $refs?: unknown[]; $root?: unknown } | null;
  if (!encoded || !Array.isArray(encoded.$refs) || !('$root' in encoded)) return doc;
  const refs = encoded.$refs;
  const resolve = (value: unknown, depth: number): unknown => {
    if (depth > 100) return value;
    if (typeof value === 'string') {
      const match = REFERENCE.exec(value);
      return match ? resolve(refs[Number(match[1])], depth + 1) : value;
    }
    if (Array.isArray(value)) return value.map((v) => resolve(v, depth + 1));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, v]) => {
          const match = REFERENCE.exec(key);
          return [match ? String(refs[Number(match[1])]) : key, resolve(v, depth + 1)];
        }),
      );
    }
    return value;
  };
  return resolve(encoded.$root, 0);
}
