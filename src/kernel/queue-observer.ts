/**
 * What a group-commit queue tells whoever watches it (the platform's metrics): a caller joined, and a
 * group of callers left together to be written. Queues take their members first in, first out (per
 * lane: the bids of one listing), so a watcher can tell how long each waited without the queue keeping
 * any time itself. Both calls must be cheap: they sit on the hottest paths.
 */
export interface QueueObserver {
  /** A caller joined the queue (of `lane`, for a queue with one per key). */
  joined(lane?: string): void;
  /** The `size` longest-waiting callers (of `lane`) left the queue as one group. */
  left(size: number, lane?: string): void;
}
