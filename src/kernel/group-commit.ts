import { DomainError } from './errors.ts';
import type { QueueObserver } from './queue-observer.ts';

/**
 * Group commit: members submitted at about the same time are written together by one `commit` call
 * (one database transaction), and each caller gets its own answer. The one primitive behind the
 * ledger's, the wallet transfers', the bids', the decision log's and the audit writer's queues;
 * docs/group-commit.md records how they behaved before and what each configures. The rules:
 *
 * 1. Most members: a group takes queued members in arrival order until the next would pass
 *    `maxSize`, each weighing `sizeOf(member)` (default 1). A member heavier than the maximum still
 *    forms a group of its own. Members are never reordered or split.
 * 2. A group is cut one event-loop turn after a submission while fewer than `concurrency` groups
 *    are in flight (so that requests whose bytes have already arrived join it: embedded PGlite runs
 *    queries on this thread), else as soon as a running group ends. No timer: with no load a member
 *    commits at once. With `cut: 'at-once'` there is no turn: a member arriving with a slot free
 *    starts a group of its own at once, and a group ending starts the next at once.
 * 3. A member answered `{ ok: false }` by `commit` gets its error; the others commit.
 * 4. If `commit` throws, and `isolate(error, members)` allows it (default: the group had more than
 *    one member and the error is not the database or its connection failing, `infrastructureFailure`),
 *    each member is tried again alone, in order, through `alone` (default: `commit` of that member
 *    alone); otherwise every member gets the error.
 * 5. A `commit` that throws `CommitOutcomeUnknown` (its writes were sent and the commit itself
 *    failed) is never retried: every member gets the cause, since trying again could apply it twice.
 * 6. A caller that gives up (its `signal` aborts) while its member is still queued has it taken out,
 *    never written, and gets the signal's reason. Once the group is cut the signal is not heeded:
 *    the write cannot be recalled, so the caller gets the real outcome.
 * 7. `close()` refuses new members (`shutting_down`, 503) and resolves when every member accepted
 *    before has been committed and answered.
 * 8. Every member gets exactly one answer.
 */
export type Answer<O> =
  | { readonly ok: true; readonly value: O }
  | { readonly ok: false; readonly error: unknown };

export interface GroupCommitOptions<I, O> {
  /** Writes a group in one transaction: one answer per member, in order. Throwing fails the group. */
  readonly commit: (members: readonly I[]) => Promise<readonly Answer<O>[]>;
  /** The most a group weighs (default 1,000). */
  readonly maxSize?: number;
  /** What one member weighs against `maxSize` (default 1). */
  readonly sizeOf?: (member: I) => number;
  /** Groups in flight at once (default 1). */
  readonly concurrency?: number;
  /** When a group is cut while a slot is free: after one event-loop turn (default), or at once. */
  readonly cut?: 'next-turn' | 'at-once';
  /**
   * Whether a failed group's members may be tried again alone (default: more than one member, and
   * the error is not `infrastructureFailure`).
   */
  readonly isolate?: (error: unknown, members: number) => boolean;
  /** How a member is tried alone after its group failed (default: `commit` of that member alone). */
  readonly alone?: (member: I) => Promise<O>;
  /** Called whenever nothing is queued or in flight (a keyed owner can then drop this queue). */
  readonly onIdle?: () => void;
  /**
   * Told of each member joining and of each group leaving (the platform's metrics), with `lane`
   * for a queue that is one of many (the bids of one listing). A caller that gives up while queued
   * is reported as a group of one leaving, so that the depth stays right.
   */
  readonly observer?: QueueObserver;
  readonly lane?: string;
}

/** Thrown by a `commit` whose writes may have taken effect: its members get `cause`, never a retry. */
export class CommitOutcomeUnknown extends Error {
  override name = 'CommitOutcomeUnknown';
  constructor(override readonly cause: unknown) {
    super('the commit failed after its writes were sent; whether it took effect is unknown');
  }
}

const INFRASTRUCTURE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * Whether an error says the database or the connection to it failed, rather than something about
 * the members: a socket error, or a SQLSTATE of class 08 (connection), 53 (insufficient resources),
 * 57 (operator intervention: shutdown, cancel) or 58 (system error). Trying each member alone would
 * only repeat the failure once per member, so by default such a group is not isolated: every member
 * gets the error, and its caller may try again.
 */
export function infrastructureFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return INFRASTRUCTURE_CODES.has(code) || /^(08|53|57|58)[0-9A-Z]{3}$/.test(code);
}

export const shuttingDown = () =>
  new DomainError('shutting_down', 'unavailable', 'the service is shutting down; try again shortly');

interface Waiting<I, O> {
  readonly member: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

export class GroupCommit<I, O> {
  private readonly queue: Waiting<I, O>[] = [];
  private running = 0;
  private scheduled = false;
  private closed = false;
  private drained: (() => void)[] = [];
  private readonly maxSize: number;
  private readonly sizeOf: (member: I) => number;
  private readonly concurrency: number;
  private readonly isolate: (error: unknown, members: number) => boolean;

  constructor(private readonly options: GroupCommitOptions<I, O>) {
    this.maxSize = options.maxSize ?? 1000;
    this.sizeOf = options.sizeOf ?? (() => 1);
    this.concurrency = options.concurrency ?? 1;
    this.isolate = options.isolate ?? ((error, members) => members > 1 && !infrastructureFailure(error));
    if (!(this.maxSize >= 1) || !(this.concurrency >= 1))
      throw new RangeError('group commit needs maxSize and concurrency of at least 1');
  }

  /** Members queued and not yet in a group. */
  get queued(): number {
    return this.queue.length;
  }

  /** Groups being committed now. */
  get inFlight(): number {
    return this.running;
  }

  submit(member: I, options: { signal?: AbortSignal } = {}): Promise<O> {
    const signal = options.signal;
    if (this.closed) return Promise.reject(shuttingDown());
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<O>((resolve, reject) => {
      let waiting: Waiting<I, O>;
      const onAbort = signal
        ? () => {
            const at = this.queue.indexOf(waiting);
            if (at < 0) return; // already in a group: it gets the real outcome
            this.queue.splice(at, 1);
            this.options.observer?.left(1, this.options.lane);
            reject(signal.reason);
            this.settleIfIdle();
          }
        : undefined;
      waiting = { member, resolve, reject, signal, onAbort };
      signal?.addEventListener('abort', onAbort!, { once: true });
      this.queue.push(waiting);
      this.options.observer?.joined(this.options.lane);
      this.schedule();
    });
  }

  /** Refuses new members, then resolves once every member accepted before has been answered. */
  close(): Promise<void> {
    this.closed = true;
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.concurrency) return;
    if (this.options.cut === 'at-once') {
      this.pump();
      return;
    }
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const group = this.take();
      this.running++;
      void this.commitGroup(group).finally(() => {
        this.running--;
        if (this.queue.length > 0) this.schedule();
        else this.settleIfIdle();
      });
    }
  }

  private take(): Waiting<I, O>[] {
    const group: Waiting<I, O>[] = [];
    let size = 0;
    while (this.queue.length > 0) {
      const weight = this.sizeOf(this.queue[0]!.member);
      if (group.length > 0 && size + weight > this.maxSize) break;
      const waiting = this.queue.shift()!;
      if (waiting.onAbort) waiting.signal!.removeEventListener('abort', waiting.onAbort);
      group.push(waiting);
      size += weight;
    }
    this.options.observer?.left(group.length, this.options.lane);
    return group;
  }

  private settleIfIdle(): void {
    if (this.queue.length > 0 || this.running > 0) return;
    const drained = this.drained;
    this.drained = [];
    for (const resolve of drained) resolve();
    this.options.onIdle?.();
  }

  private async commitGroup(group: Waiting<I, O>[]): Promise<void> {
    let answers: readonly Answer<O>[];
    try {
      answers = await this.options.commit(group.map((w) => w.member));
    } catch (error) {
      await this.failed(group, error);
      return;
    }
    // `commit` returned, so its transaction committed: a wrong count is a bug to report to every
    // member, never a reason to write them again one by one.
    if (answers.length !== group.length) {
      const error = new Error(`group commit: ${answers.length} answers for ${group.length} members`);
      for (const waiting of group) waiting.reject(error);
      return;
    }
    group.forEach((waiting, index) => {
      const answer = answers[index]!;
      if (answer.ok) waiting.resolve(answer.value);
      else waiting.reject(answer.error);
    });
  }

  private async failed(group: Waiting<I, O>[], error: unknown): Promise<void> {
    if (error instanceof CommitOutcomeUnknown) {
      for (const waiting of group) waiting.reject(error.cause);
      return;
    }
    let isolate: boolean;
    try {
      isolate = this.isolate(error, group.length);
    } catch {
      isolate = false;
    }
    if (!isolate) {
      for (const waiting of group) waiting.reject(error);
      return;
    }
    const alone = this.options.alone;
    for (const waiting of group) {
      if (alone) {
        try {
          waiting.resolve(await alone(waiting.member));
        } catch (aloneError) {
          waiting.reject(aloneError instanceof CommitOutcomeUnknown ? aloneError.cause : aloneError);
        }
      } else await this.commitAlone(waiting);
    }
  }

  /** One member through `commit`; a failure is its own (a group of one is not isolated further). */
  private async commitAlone(waiting: Waiting<I, O>): Promise<void> {
    try {
      const answers = await this.options.commit([waiting.member]);
      const answer = answers[0];
      if (answers.length !== 1 || !answer)
        throw new Error(`group commit: ${answers.length} answers for 1 member`);
      if (answer.ok) waiting.resolve(answer.value);
      else waiting.reject(answer.error);
    } catch (error) {
      waiting.reject(error instanceof CommitOutcomeUnknown ? error.cause : error);
    }
  }
}
