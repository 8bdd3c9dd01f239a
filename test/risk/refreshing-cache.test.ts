import { describe, expect, it } from 'vitest';
import { RefreshingCache } from '../../src/risk/refreshing-cache.ts';

/** The single-flight refresh behind risk's 2-second caches, with a clock the test moves. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup() {
  const clock = { now: 0 };
  const cache = new RefreshingCache<string, string>(2000, () => clock.now);
  const loads: ReturnType<typeof deferred<string>>[] = [];
  const load = () => {
    const d = deferred<string>();
    loads.push(d);
    return d.promise;
  };
  const fifty = () => Promise.all(Array.from({ length: 50 }, () => cache.get('k', load)));
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  return { clock, cache, loads, load, fifty, turn };
}

describe('RefreshingCache', () => {
  it('with no value yet, 50 callers share one read', async () => {
    const { loads, fifty, turn } = setup();
    const all = fifty();
    await turn();
    expect(loads).toHaveLength(1);
    loads[0]!.resolve('v1');
    expect(new Set(await all)).toEqual(new Set(['v1']));
  });

  it('after expiry, one read refreshes while 50 callers get the old value at once', async () => {
    const { clock, cache, loads, load, fifty, turn } = setup();
    const first = cache.get('k', load);
    await turn();
    loads[0]!.resolve('v1');
    await first;
    clock.now = 1999;
    expect(await fifty()).toEqual(Array(50).fill('v1'));
    expect(loads).toHaveLength(1);
    clock.now = 2000;
    // Answered while the refresh is still pending: nobody waits for it.
    expect(await fifty()).toEqual(Array(50).fill('v1'));
    await turn();
    expect(loads).toHaveLength(2);
    loads[1]!.resolve('v2');
    await turn();
    expect(await fifty()).toEqual(Array(50).fill('v2'));
    expect(loads).toHaveLength(2);
  });

  it('a failed refresh keeps the old value and the next caller tries again', async () => {
    const { clock, cache, loads, load, fifty, turn } = setup();
    const first = cache.get('k', load);
    await turn();
    loads[0]!.resolve('v1');
    await first;
    clock.now = 5000;
    expect(await fifty()).toEqual(Array(50).fill('v1'));
    await turn();
    expect(loads).toHaveLength(2);
    loads[1]!.reject(new Error('database down'));
    await turn();
    expect(await cache.get('k', load)).toBe('v1');
    await turn();
    expect(loads).toHaveLength(3);
    loads[2]!.resolve('v2');
    await turn();
    expect(await cache.get('k', load)).toBe('v2');
  });

  it('a failed first read fails its waiting callers, stores nothing, and the next caller reads again', async () => {
    const { cache, loads, load, fifty, turn } = setup();
    const all = fifty();
    await turn();
    loads[0]!.reject(new Error('database down'));
    await expect(all).rejects.toThrow('database down');
    const again = cache.get('k', load);
    await turn();
    expect(loads).toHaveLength(2);
    loads[1]!.resolve('v1');
    expect(await again).toBe('v1');
  });

  it('a load that throws at once fails its callers without poisoning the key', async () => {
    const { cache, load, loads, turn } = setup();
    await expect(
      cache.get('k', () => {
        throw new Error('at once');
      }),
    ).rejects.toThrow('at once');
    const again = cache.get('k', load);
    await turn();
    loads[0]!.resolve('v1');
    expect(await again).toBe('v1');
  });

  it('delete drops the value and the read in flight: the next caller reads anew, the old read is not stored', async () => {
    const { cache, loads, load, turn } = setup();
    const first = cache.get('k', load);
    await turn();
    cache.delete('k');
    const second = cache.get('k', load);
    await turn();
    expect(loads).toHaveLength(2);
    loads[1]!.resolve('new');
    loads[0]!.resolve('old');
    expect(await first).toBe('old');
    expect(await second).toBe('new');
    expect(await cache.get('k', load)).toBe('new');
    expect(loads).toHaveLength(2);
  });
});
