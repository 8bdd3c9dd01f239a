import { type ZenDecision, ZenEngine } from '@gorules/zen-engine';
import { EnginePool } from './engine-worker-pool.ts';
import type { GraphDocument } from './graph-validation.ts';
import type { ModelStore } from './models.ts';
import { type RowScore, type ScorecardModel, scoreRows } from './scorecard/index.ts';

/**
 * The ZEN engine with netfin's scoring node: a `customNode` of kind `scorecard` scores the input's
 * `features` with the scorecard model pinned in the input (`_models[config.model]`), so a decision can
 * be replayed with exactly the model it used. Calling back from the engine into JavaScript for each
 * such node costs milliseconds, so a graph is compiled with its scorecard nodes turned into
 * expression nodes that read scores computed here, before the evaluation, from the same features and
 * model; the trace shows the node under its own id and name. Compiled graphs are kept per version id.
 *
 * ZEN evaluates on its own native threads, but turning the input into its values, the result back,
 * and the scorecard run on the calling thread: about half a millisecond a decision. With `workers`
 * above zero, that work runs in a pool of worker threads (engine-worker-pool.ts), each with its own
 * engine, compiled graphs and models, and the main thread only copies the input there and the
 * result back.
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

/** A scorecard model version as the evaluation needs it (versions never change once stored). */
export interface ModelVersion {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly model: ScorecardModel;
}

/** A graph's scorecard node: its id and the model name it names. */
export interface ScorecardNode {
  readonly id: string;
  readonly model: string;
}

interface Compiled {
  readonly decision: ZenDecision;
  readonly scorecards: readonly ScorecardNode[];
}

/** The scorecard nodes of a graph; any other kind of custom node is an error. */
export function scorecardNodes(graph: GraphDocument): ScorecardNode[] {
  const found: ScorecardNode[] = [];
  for (const node of graph.nodes) {
    if (node.type !== 'customNode') continue;
    const content = (node.content ?? {}) as { kind?: string; config?: { model?: string } };
    if (content.kind !== 'scorecard')
      throw new Error(`unknown custom node kind ${content.kind} in node ${node.id}`);
    found.push({ id: node.id, model: content.config?.model ?? 'default' });
  }
  return found;
}

/**
 * One engine with its compiled graphs and scorers: what evaluates, on the main thread or in a
 * worker. Models come from `modelOf`, by the id pinned in the input.
 */
export class Evaluator {
  private readonly engine = new ZenEngine();
  private readonly compiled = new Map<string, Compiled>();
  private readonly scorers = new Map<
    string,
    (features: Record<string, string | number | null>) => RowScore
  >();

  private compile(graph: GraphDocument): Compiled {
    const scorecards = scorecardNodes(graph);
    const nodes = graph.nodes.map((node) =>
      node.type !== 'customNode'
        ? node
        : {
            ...node,
            type: 'expressionNode',
            content: {
              passThrough: true,
              expressions: [{ id: `${node.id}-score`, key: 'scorecard', value: `_scores["${node.id}"]` }],
            },
          },
    );
    return { decision: this.engine.createDecision({ ...graph, nodes } as never), scorecards };
  }

  /** Whether the graph of `key` is compiled already. */
  knows(key: string): boolean {
    return this.compiled.has(key);
  }

  private compiledFor(key: string | null, graph: GraphDocument | null): Compiled {
    if (key) {
      const known = this.compiled.get(key);
      if (known) return known;
    }
    if (!graph) throw new Error(`no graph was given for ${key}`);
    const compiled = this.compile(graph);
    if (key) this.compiled.set(key, compiled);
    return compiled;
  }

  private scorer(stored: ModelVersion) {
    const known = this.scorers.get(stored.id);
    if (known) return known;
    const score = (features: Record<string, string | number | null>) =>
      scoreRows(stored.model, [features])[0]!;
    this.scorers.set(stored.id, score);
    return score;
  }

  async evaluate(
    key: string | null,
    graph: GraphDocument | null,
    input: Record<string, unknown>,
    trace: boolean,
    modelOf: (id: string) => ModelVersion | Promise<ModelVersion>,
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
      const stored = await modelOf(modelId);
      const row = this.scorer(stored)((input.features ?? {}) as Record<string, string | number | null>);
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
}

export interface RiskEngineOptions {
  /**
   * Worker threads to evaluate in (NETFIN_RISK_WORKERS); 0, the default here: on the calling
   * thread. They start on the first evaluation; close() ends them.
   */
  readonly workers?: number;
}

export class RiskEngine {
  private local: Evaluator | null = null;
  private readonly pool: EnginePool | null;
  private readonly scorecardsByKey = new Map<string, ScorecardNode[]>();

  constructor(
    private readonly models: ModelStore,
    options: RiskEngineOptions = {},
  ) {
    const workers = options.workers ?? 0;
    this.pool = workers > 0 ? new EnginePool(workers, (request) => this.inThread(request)) : null;
  }

  /** The worker threads asked for (0: the calling thread), those running, and what they evaluated. */
  get workers(): { size: number; running: number; evaluated: number } {
    return { size: this.pool?.size ?? 0, ...(this.pool?.stats ?? { running: 0, evaluated: 0 }) };
  }

  private inThread(request: {
    key: string | null;
    graph: GraphDocument;
    input: Record<string, unknown>;
    trace: boolean;
  }): Promise<Evaluation> {
    this.local ??= new Evaluator();
    return this.local.evaluate(request.key, request.graph, request.input, request.trace, (id) =>
      this.models.get(id),
    );
  }

  async evaluate(
    key: string | null,
    graph: GraphDocument,
    input: Record<string, unknown>,
    trace: boolean,
  ): Promise<Evaluation> {
    if (!this.pool || this.pool.closed || !this.pool.ready)
      return this.inThread({ key, graph, input, trace });
    // The models are read here (the worker has no database), once per process and id; a node with
    // no pinned model is left for the worker to report, as the evaluation on this thread does.
    let nodes = key ? this.scorecardsByKey.get(key) : undefined;
    if (!nodes) {
      nodes = scorecardNodes(graph);
      if (key) this.scorecardsByKey.set(key, nodes);
    }
    const pinned = (input._models ?? {}) as Record<string, string>;
    const models: ModelVersion[] = [];
    for (const node of nodes) {
      const id = pinned[node.model];
      if (!id) break;
      const { name, version, model } = await this.models.get(id);
      models.push({ id, name, version, model });
    }
    return this.pool.evaluate({ key, graph, input, trace }, models);
  }

  /**
   * Starts the worker threads now rather than at the first evaluation, and resolves once they have
   * loaded (until then, evaluations run on the calling thread).
   */
  start(): Promise<void> {
    return this.pool && !this.pool.closed ? this.pool.start() : Promise.resolve();
  }

  /** Ends the worker threads (for shutdown); evaluations after it run on the calling thread. */
  close(): Promise<void> {
    return this.pool?.close() ?? Promise.resolve();
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
