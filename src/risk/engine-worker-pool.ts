import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Evaluation, ModelVersion } from './engine.ts';
import type { GraphDocument } from './graph-validation.ts';

/**
 * The main thread's side of the engine's worker threads (engine-worker.ts). Each worker keeps the
 * graphs it was sent by version id and the models by id, so a graph or a model crosses once per
 * worker; an evaluation sends only its key, input and trace flag, and gets the result and the trace
 * text back. Messages are sent in batches, one per turn of the event loop, to spare the per-message
 * cost when many decisions are in flight.
 *
 * The workers are unreferenced while idle, so they never keep the process alive, and referenced while
 * they owe an answer, so that a process awaiting an evaluation does not exit under it. A worker that
 * dies takes nothing with it: what it owed is evaluated on the calling thread, and a new worker
 * replaces it (unless it died before it loaded: then the pool is broken, and every evaluation runs
 * on the calling thread). Until a worker has loaded, evaluations run on the calling thread too.
 */
export interface EvaluationRequest {
  readonly key: string | null;
  readonly graph: GraphDocument;
  readonly input: Record<string, unknown>;
  readonly trace: boolean;
}

/** What the main thread sends a worker, in batches. */
export type ToWorker =
  | { readonly type: 'graph'; readonly key: string; readonly graph: GraphDocument }
  | { readonly type: 'model'; readonly model: ModelVersion }
  | {
      readonly type: 'evaluate';
      readonly seq: number;
      readonly key: string | null;
      /** Only for a graph with no key (a draft): a keyed graph was sent before. */
      readonly graph: GraphDocument | null;
      readonly input: Record<string, unknown>;
      readonly trace: boolean;
    };

/** What a worker answers, in batches; `ready` once when it has loaded. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly seq: number; readonly evaluation: Evaluation }
  | {
      readonly type: 'failed';
      readonly seq: number;
      readonly error: { readonly name: string; readonly message: string; readonly code?: unknown };
    };

interface Pending {
  readonly request: EvaluationRequest;
  readonly resolve: (evaluation: Evaluation) => void;
  readonly reject: (error: unknown) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly graphs: Set<string>;
  readonly models: Set<string>;
  readonly pending: Map<number, Pending>;
  outbox: ToWorker[];
  ready: boolean;
  stopping: boolean;
  /** Settles when the worker has loaded, or has failed to. */
  readonly started: Promise<void>;
}

const WORKER = new URL('./engine-worker.ts', import.meta.url).href;
// The worker loads the TypeScript sources through tsx's isolated loader, whether or not the parent
// runs under tsx (the CLI, the bench) or under vitest. tsx's ES module build of the API is named by
// its package's exports (its CommonJS build's tsImport cannot find its own loader).
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx)
  .then(({ tsImport }) => tsImport(workerData.entry, workerData.entry))
  .catch((error) => setImmediate(() => { throw error; }));`;

function tsxApi(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const { exports } = require(manifest) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(manifest), exports['./esm/api']!.import.default)).href;
}

export class EnginePool {
  private readonly slots: (Slot | null)[];
  private next = 0;
  private seq = 0;
  private broken = false;
  private closing: Promise<void> | null = null;
  private answered = 0;

  constructor(
    readonly size: number,
    private readonly fallback: (request: EvaluationRequest) => Promise<Evaluation>,
  ) {
    this.slots = Array.from({ length: size }, () => null);
  }

  /** Worker threads running, and the evaluations they have answered. */
  get stats(): { running: number; evaluated: number } {
    return { running: this.slots.filter((slot) => slot !== null).length, evaluated: this.answered };
  }

  /** Closed (or unable to start a worker): evaluations run on the calling thread. */
  get closed(): boolean {
    return this.closing !== null || this.broken;
  }

  evaluate(request: EvaluationRequest, models: readonly ModelVersion[]): Promise<Evaluation> {
    const slot = this.pick();
    const { key, graph, input, trace } = request;
    for (const model of models) {
      if (slot.models.has(model.id)) continue;
      slot.models.add(model.id);
      this.send(slot, { type: 'model', model });
    }
    if (key && !slot.graphs.has(key)) {
      slot.graphs.add(key);
      this.send(slot, { type: 'graph', key, graph });
    }
    const seq = ++this.seq;
    this.send(slot, { type: 'evaluate', seq, key, graph: key ? null : graph, input, trace });
    if (slot.pending.size === 0) slot.worker.ref();
    return new Promise<Evaluation>((resolve, reject) => {
      slot.pending.set(seq, { request, resolve, reject });
    });
  }

  /** Terminates the workers; what they owe is evaluated on the calling thread. */
  close(): Promise<void> {
    this.closing ??= Promise.all(
      this.slots.map(async (slot, i) => {
        if (!slot) return;
        this.slots[i] = null;
        slot.stopping = true;
        this.takeOver(slot);
        await slot.worker.terminate();
      }),
    ).then(() => undefined);
    return this.closing;
  }

  /**
   * Starts the workers that are not running; resolves once each has loaded or failed. Until one has
   * loaded, evaluations run on the calling thread, so nobody waits for a worker to start.
   */
  start(): Promise<void> {
    return Promise.all(this.slots.map((_, i) => (this.slots[i] ?? this.launch(i)).started)).then(
      () => undefined,
    );
  }

  /** Whether a worker can take an evaluation now (starting the missing ones if not). */
  get ready(): boolean {
    let any = false;
    for (let i = 0; i < this.slots.length; i++) any = (this.slots[i] ?? this.launch(i)).ready || any;
    return any;
  }

  /** The loaded worker with the fewest evaluations in flight. */
  private pick(): Slot {
    let best: Slot | null = null;
    for (let n = 0; n < this.slots.length; n++) {
      const slot = this.slots[(this.next + n) % this.slots.length];
      if (!slot?.ready || (best && slot.pending.size >= best.pending.size)) continue;
      best = slot;
      if (slot.pending.size === 0) break;
    }
    this.next = (this.next + 1) % this.slots.length;
    if (!best) throw new Error('no engine worker is ready (check EnginePool.ready first)');
    return best;
  }

  private launch(index: number): Slot {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { tsx: tsxApi(), entry: WORKER },
    });
    worker.unref();
    let markStarted = () => {};
    const slot: Slot = {
      worker,
      graphs: new Set(),
      models: new Set(),
      pending: new Map(),
      outbox: [],
      ready: false,
      stopping: false,
      started: new Promise<void>((resolve) => {
        markStarted = resolve;
      }),
    };
    worker.on('message', (batch: FromWorker[]) => {
      for (const message of batch) this.receive(slot, message);
      if (slot.ready) markStarted();
      if (slot.pending.size === 0) worker.unref();
    });
    const lost = () => {
      if (slot.stopping) return;
      slot.stopping = true;
      if (this.slots[index] === slot) this.slots[index] = null;
      if (!slot.ready) this.broken = true;
      markStarted();
      this.takeOver(slot);
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    this.slots[index] = slot;
    return slot;
  }

  private receive(slot: Slot, message: FromWorker): void {
    if (message.type === 'ready') {
      slot.ready = true;
      return;
    }
    const pending = slot.pending.get(message.seq);
    if (!pending) return;
    slot.pending.delete(message.seq);
    this.answered++;
    if (message.type === 'done') pending.resolve(message.evaluation);
    else {
      const error = new Error(message.error.message);
      error.name = message.error.name;
      if (message.error.code !== undefined) Object.assign(error, { code: message.error.code });
      pending.reject(error);
    }
  }

  /** A worker is gone: its evaluations are made on the calling thread instead. */
  private takeOver(slot: Slot): void {
    const owed = [...slot.pending.values()];
    slot.pending.clear();
    slot.outbox = [];
    for (const { request, resolve, reject } of owed) this.fallback(request).then(resolve, reject);
  }

  private send(slot: Slot, message: ToWorker): void {
    slot.outbox.push(message);
    if (slot.outbox.length > 1) return;
    queueMicrotask(() => {
      const batch = slot.outbox;
      slot.outbox = [];
      if (batch.length > 0 && !slot.stopping) slot.worker.postMessage(batch);
    });
  }
}
