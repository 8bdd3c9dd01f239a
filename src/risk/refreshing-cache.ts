/**
 * A short-lived cache of values read from the database (the risk settings, the champion graph, the
 * newest model of a name), refreshed by a single flight: when an entry is older than `ttlMs`, the
 * first caller starts one read, and every caller until it ends gets the old value at once; with no
 * old value (first use, or after `delete`) they all await that same read. A read that fails leaves
 * the cache as it was (the old value stays, nothing is stored for a key without one): the callers
 * waiting on it get its error and the next caller starts a new read.
 *
 * `delete` (after this process changed the value) drops the entry and any read in flight, whose
 * answer is then not stored: the next caller reads the new value.
 */
export class RefreshingCache<K, V> {
  private readonly entries = new Map<K, { readonly value: V; readonly at: number }>();
  private readonly loading = new Map<K, Promise<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.at < this.ttlMs) return Promise.resolve(entry.value);
    const pending = this.loading.get(key) ?? this.refresh(key, load, entry !== undefined);
    return entry ? Promise.resolve(entry.value) : pending;
  }

  delete(key: K): void {
    this.entries.delete(key);
    this.loading.delete(key);
  }

  private refresh(key: K, load: () => Promise<V>, stale: boolean): Promise<V> {
    const flight = { promise: undefined as Promise<V> | undefined };
    const mine = () => flight.promise !== undefined && this.loading.get(key) === flight.promise;
    flight.promise = (async () => {
      try {
        // A microtask later, so that the flight is registered even if `load` throws at once.
        const value = await Promise.resolve().then(load);
        if (mine()) this.entries.set(key, { value, at: this.now() });
        return value;
      } finally {
        if (mine()) this.loading.delete(key);
      }
    })();
    this.loading.set(key, flight.promise);
    // Callers served the old value do not await this read: its failure is for the next caller.
    if (stale) flight.promise.catch(() => undefined);
    return flight.promise;
  }
}
