import { type ZenDecision, ZenEngine, type ZenEngineHandlerRequest } from '@gorules/zen-engine';
import type { GraphDocument } from './graph-validation.ts';
import type { ModelStore } from './models.ts';
import { scoreRows } from './scorecard/index.ts';

/**
 * The ZEN engine with netfin's custom node: `customNode` of kind `scorecard` scores the input's
 * `features` with the scorecard model pinned in the input (`_models[config.model]`), so a decision
 * can be replayed with exactly the model it used. Compiled graphs are kept per version id (published
 * versions never change).
 */
export interface Evaluation {
  readonly result: Record<string, unknown>;
  readonly trace: Record<string, unknown> | null;
}

export class RiskEngine {
  private readonly engine: ZenEngine;
  private readonly compiled = new Map<string, ZenDecision>();

  constructor(private readonly models: ModelStore) {
    this.engine = new ZenEngine({ customHandler: (request) => this.custom(request) });
  }

  private async custom(request: ZenEngineHandlerRequest) {
    const node = request.node;
    if (node.kind !== 'scorecard')
      throw new Error(`unknown custom node kind ${node.kind} in node ${node.id}`);
    const input = request.input as {
      features?: Record<string, string | number | null>;
      _models?: Record<string, string>;
    };
    const name = (node.config as { model?: string } | null)?.model ?? 'default';
    const modelId = input._models?.[name];
    if (!modelId) throw new Error(`no scorecard model "${name}" was pinned for node ${node.id}`);
    const stored = await this.models.get(modelId);
    const [row] = scoreRows(stored.model, [input.features ?? {}]);
    return {
      output: {
        ...(request.input as object),
        scorecard: {
          score: Math.round(row!.score),
          probabilityOfDefault: Number(row!.probabilityBad.toFixed(6)),
          reasons: row!.reasons.map((r) => `${r.variable}: ${r.bin}`),
          model: `${stored.name}@${stored.version}`,
        },
      },
    };
  }

  decision(key: string | null, graph: GraphDocument): ZenDecision {
    if (key) {
      const known = this.compiled.get(key);
      if (known) return known;
    }
    const decision = this.engine.createDecision(graph as never);
    if (key) this.compiled.set(key, decision);
    return decision;
  }

  async evaluate(
    key: string | null,
    graph: GraphDocument,
    input: Record<string, unknown>,
    trace: boolean,
  ): Promise<Evaluation> {
    const response = await this.decision(key, graph).evaluate(input, trace ? { trace: true } : {});
    return {
      result: response.result as Record<string, unknown>,
      trace: (response.trace as Record<string, unknown> | undefined) ?? null,
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
