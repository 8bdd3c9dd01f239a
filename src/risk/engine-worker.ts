import { parentPort } from 'node:worker_threads';
import { Evaluator, type ModelVersion } from './engine.ts';
import type { FromWorker, ToWorker } from './engine-worker-pool.ts';
import type { GraphDocument } from './graph-validation.ts';

/**
 * A worker thread of the risk engine (started by engine-worker-pool.ts): its own ZEN engine, the
 * graphs it was sent by key and the models by id, and evaluations answered in batches, one per turn
 * of its event loop.
 */
if (!parentPort) throw new Error('engine-worker.ts runs as a worker thread');
const port = parentPort;
const evaluator = new Evaluator();
const graphs = new Map<string, GraphDocument>();
const models = new Map<string, ModelVersion>();
let outbox: FromWorker[] = [];

function answer(message: FromWorker): void {
  outbox.push(message);
  if (outbox.length > 1) return;
  setImmediate(() => {
    const batch = outbox;
    outbox = [];
    port.postMessage(batch);
  });
}

function modelOf(id: string): ModelVersion {
  const model = models.get(id);
  if (!model) throw new Error(`model ${id} was not sent to the engine's worker`);
  return model;
}

async function evaluate(message: Extract<ToWorker, { type: 'evaluate' }>): Promise<void> {
  const { seq, key, input, trace } = message;
  try {
    const graph = message.graph ?? (key && !evaluator.knows(key) ? (graphs.get(key) ?? null) : null);
    const evaluation = await evaluator.evaluate(key, graph, input, trace, modelOf);
    // The document is compiled now: the engine keeps what it needs.
    if (key) graphs.delete(key);
    answer({ type: 'done', seq, evaluation });
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown; code?: unknown };
    answer({
      type: 'failed',
      seq,
      error: {
        name: typeof e?.name === 'string' ? e.name : 'Error',
        message: typeof e?.message === 'string' ? e.message : String(error),
        ...(typeof e?.code === 'string' ? { code: e.code } : {}),
      },
    });
  }
}

port.on('message', (batch: ToWorker[]) => {
  for (const message of batch) {
    if (message.type === 'graph') graphs.set(message.key, message.graph);
    else if (message.type === 'model') models.set(message.model.id, message.model);
    else void evaluate(message);
  }
});
answer({ type: 'ready' });
