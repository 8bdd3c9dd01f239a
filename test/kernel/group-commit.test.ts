import { describe, expect, it } from 'vitest';
import {
  type Answer,
  CommitOutcomeUnknown,
  DomainError,
  GroupCommit,
  type GroupCommitOptions,
  infrastructureFailure,
} from '../../src/kernel/index.ts';

/** A promise settled from outside: a commit held open until the test lets it finish. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Lets every pending turn and promise run: enough for a queue whose commits are already settled. */
async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await turn();
}

type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };
const outcome = <O>(promise: Promise<O>): Promise<Outcome<O>> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/**
 * A recording queue: each commit is logged with its members; a member named `bad` makes the whole
 * group throw, a member named `refused` is answered with an error of its own, others echo upper case.
 */
function recording(options: Partial<GroupCommitOptions<string, string>> = {}) {
  const groups: string[][] = [];
  const queue = new GroupCommit<string, string>({
    commit: async (members) => {
      groups.push([...members]);
      await turn();
      if (members.includes('bad')) throw new Error('group failed');
      return members.map(
        (m): Answer<string> =>
          m === 'refused'
            ? { ok: false, error: new Error(`refused ${m}`) }
            : { ok: true, value: m.toUpperCase() },
      );
    },
    ...options,
  });
  return { queue, groups };
}

describe('GroupCommit', () => {
  it('rejects every member, and writes none again, when a commit that returned answers the wrong number', async () => {
    const groups: string[][] = [];
    const queue = new GroupCommit<string, string>({
      commit: async (members) => {
        groups.push([...members]);
        return members.slice(1).map((m): Answer<string> => ({ ok: true, value: m }));
      },
    });
    const results = await Promise.all(['a', 'b', 'c'].map((m) => outcome(queue.submit(m))));
    expect(groups).toEqual([['a', 'b', 'c']]);
    for (const r of results) {
      expect(r.ok).toBe(false);
      expect(String((r as { error: unknown }).error)).toMatch(/2 answers for 3 members/);
    }
  });

  it('gathers the members of one turn into one group, keeps their order and answers each its own', async () => {
    const { queue, groups } = recording();
    const answers = await Promise.all(['a', 'b', 'c', 'd'].map((m) => queue.submit(m)));
    expect(answers).toEqual(['A', 'B', 'C', 'D']);
    expect(groups).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('puts everything that queued during a commit into the next group, in arrival order', async () => {
    const { queue, groups } = recording();
    const first = queue.submit('a');
    await turn(); // the first group is cut and running
    expect(queue.inFlight).toBe(1);
    const later = ['b', 'c', 'd'].map((m) => queue.submit(m));
    expect(queue.queued).toBe(3);
    await Promise.all([first, ...later]);
    expect(groups).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it("with cut 'at-once', starts the first member's group at once, alone, and the rest together after it", async () => {
    const { queue, groups } = recording({ cut: 'at-once' });
    const first = queue.submit('a');
    expect(groups).toEqual([['a']]); // started before any turn
    const later = ['b', 'c'].map((m) => queue.submit(m));
    expect(await Promise.all([first, ...later])).toEqual(['A', 'B', 'C']);
    expect(groups).toEqual([['a'], ['b', 'c']]);
  });

  it('never puts more than maxSize members in a group', async () => {
    const { queue, groups } = recording({ maxSize: 3 });
    const members = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const answers = await Promise.all(members.map((m) => queue.submit(m)));
    expect(answers).toEqual(members.map((m) => m.toUpperCase()));
    expect(groups).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
  });

  it('weighs members with sizeOf, never splits one, and lets a member heavier than the maximum go alone', async () => {
    const { queue, groups } = recording({ maxSize: 5, sizeOf: (m) => m.length });
    const members = ['aa', 'bbb', 'c', 'dddddddd', 'ee', 'fff'];
    await Promise.all(members.map((m) => queue.submit(m)));
    expect(groups).toEqual([['aa', 'bbb'], ['c'], ['dddddddd'], ['ee', 'fff']]);
  });

  it('fails only the member that commit refused; the others commit', async () => {
    const { queue, groups } = recording();
    const results = await Promise.all(['a', 'refused', 'c'].map((m) => outcome(queue.submit(m))));
    expect(results[0]).toEqual({ ok: true, value: 'A' });
    expect(results[1]!.ok).toBe(false);
    expect(String((results[1] as { error: Error }).error.message)).toBe('refused refused');
    expect(results[2]).toEqual({ ok: true, value: 'C' });
    expect(groups).toEqual([['a', 'refused', 'c']]);
  });

  it('retries the members of a failed group each alone, in order, so only the culprit gets the error', async () => {
    const { queue, groups } = recording();
    const results = await Promise.all(['a', 'bad', 'c'].map((m) => outcome(queue.submit(m))));
    expect(results[0]).toEqual({ ok: true, value: 'A' });
    expect(results[1]).toMatchObject({ ok: false, error: { message: 'group failed' } });
    expect(results[2]).toEqual({ ok: true, value: 'C' });
    expect(groups).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('gives a lone member its error without trying it again', async () => {
    const { queue, groups } = recording();
    await expect(queue.submit('bad')).rejects.toThrow('group failed');
    expect(groups).toEqual([['bad']]);
  });

  it('a member that throws inside commit (not an answer) fails its group like any other error', async () => {
    const seen: string[][] = [];
    const queue = new GroupCommit<string, number>({
      commit: (members) => {
        seen.push([...members]);
        // Synchronous throw, before any promise: still the group's failure, not an escape.
        if (members.includes('throws')) throw new TypeError('bug in one member');
        return Promise.resolve(members.map((m) => ({ ok: true as const, value: m.length })));
      },
    });
    const results = await Promise.all(['xx', 'throws', 'y'].map((m) => outcome(queue.submit(m))));
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect((results[1] as { error: unknown }).error).toBeInstanceOf(TypeError);
    expect(seen).toEqual([['xx', 'throws', 'y'], ['xx'], ['throws'], ['y']]);
  });

  it('answers every member with the group error when isolate says the failure is not theirs', async () => {
    const { queue, groups } = recording({ isolate: () => false });
    const results = await Promise.all(['a', 'bad', 'c'].map((m) => outcome(queue.submit(m))));
    expect(results.every((r) => !r.ok && (r.error as Error).message === 'group failed')).toBe(true);
    expect(groups).toEqual([['a', 'bad', 'c']]);
  });

  it('tries members alone through `alone` when given, and isolate sees the error and the group size', async () => {
    const seen: [string, number][] = [];
    const alone: string[] = [];
    const { queue, groups } = recording({
      isolate: (error, members) => {
        seen.push([(error as Error).message, members]);
        return true;
      },
      alone: async (m) => {
        alone.push(m);
        if (m === 'bad') throw new Error('bad alone');
        return `${m}!`;
      },
    });
    const lone = await outcome(queue.submit('bad'));
    expect(lone).toMatchObject({ ok: false, error: { message: 'bad alone' } });
    const results = await Promise.all(['a', 'bad'].map((m) => outcome(queue.submit(m))));
    expect(results[0]).toEqual({ ok: true, value: 'a!' });
    expect(results[1]).toMatchObject({ ok: false, error: { message: 'bad alone' } });
    expect(seen).toEqual([
      ['group failed', 1],
      ['group failed', 2],
    ]);
    expect(alone).toEqual(['bad', 'a', 'bad']);
    expect(groups).toEqual([['bad'], ['a', 'bad']]);
  });

  it('never retries a group whose outcome is unknown: every member gets the cause', async () => {
    const cause = new Error('connection lost during commit');
    const groups: string[][] = [];
    const queue = new GroupCommit<string, string>({
      commit: async (members) => {
        groups.push([...members]);
        throw new CommitOutcomeUnknown(cause);
      },
      alone: async () => 'must not run',
    });
    const results = await Promise.all(['a', 'b'].map((m) => outcome(queue.submit(m))));
    expect(results).toEqual([
      { ok: false, error: cause },
      { ok: false, error: cause },
    ]);
    expect(groups).toEqual([['a', 'b']]);
  });

  it('does not try members alone when the database or its connection failed, by default', async () => {
    const groups: string[][] = [];
    const failures = [
      Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('duplicate key'), { code: '23505' }),
    ];
    let next = 0;
    const queue = new GroupCommit<string, string>({
      commit: async (members) => {
        groups.push([...members]);
        if (members.length > 1) throw failures[next++];
        return members.map((m) => ({ ok: true as const, value: m }));
      },
    });
    expect(infrastructureFailure(failures[0])).toBe(true);
    expect(infrastructureFailure(failures[1])).toBe(true);
    expect(infrastructureFailure(failures[2])).toBe(false);
    for (const error of failures.slice(0, 2)) {
      const results = await Promise.all(['a', 'b'].map((m) => outcome(queue.submit(m))));
      expect(results).toEqual([
        { ok: false, error },
        { ok: false, error },
      ]);
    }
    // A constraint violation is about a member: each is tried alone.
    const results = await Promise.all(['c', 'd'].map((m) => outcome(queue.submit(m))));
    expect(results).toEqual([
      { ok: true, value: 'c' },
      { ok: true, value: 'd' },
    ]);
    expect(groups).toEqual([['a', 'b'], ['a', 'b'], ['c', 'd'], ['c'], ['d']]);
  });

  it('answers every member with an error when commit returns the wrong number of answers', async () => {
    const queue = new GroupCommit<string, string>({
      commit: async (members) => members.slice(1).map((m) => ({ ok: true as const, value: m })),
    });
    const results = await Promise.all(['a', 'b'].map((m) => outcome(queue.submit(m))));
    expect(results.map((r) => r.ok)).toEqual([false, false]);
  });

  describe('a caller that gives up', () => {
    it('is taken out of the queue while waiting, never written, and gets the reason', async () => {
      const hold = deferred();
      const groups: string[][] = [];
      const queue = new GroupCommit<string, string>({
        commit: async (members) => {
          groups.push([...members]);
          await hold.promise;
          return members.map((m) => ({ ok: true as const, value: m }));
        },
      });
      const first = queue.submit('a');
      await turn(); // 'a' is being committed
      const controller = new AbortController();
      const gaveUp = outcome(queue.submit('b', { signal: controller.signal }));
      const stays = queue.submit('c');
      controller.abort(new Error('client went away'));
      expect(await gaveUp).toMatchObject({ ok: false, error: { message: 'client went away' } });
      expect(queue.queued).toBe(1);
      hold.resolve();
      expect(await first).toBe('a');
      expect(await stays).toBe('c');
      expect(groups).toEqual([['a'], ['c']]);
    });

    it('with a signal already aborted, is refused at once and nothing is committed', async () => {
      const { queue, groups } = recording();
      const reason = new Error('timed out already');
      await expect(queue.submit('a', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      await settle();
      expect(groups).toEqual([]);
    });

    it('after its group is cut, gets the real outcome: the write cannot be recalled', async () => {
      const hold = deferred();
      const queue = new GroupCommit<string, string>({
        commit: async (members) => {
          await hold.promise;
          return members.map((m) => ({ ok: true as const, value: `${m} committed` }));
        },
      });
      const controller = new AbortController();
      const result = queue.submit('a', { signal: controller.signal });
      await turn(); // cut and in flight
      expect(queue.inFlight).toBe(1);
      controller.abort();
      hold.resolve();
      expect(await result).toBe('a committed');
    });
  });

  describe('shutdown', () => {
    it('with a group in flight: close waits for it and for what was queued, then refuses new members', async () => {
      const hold = deferred();
      const groups: string[][] = [];
      const queue = new GroupCommit<string, string>({
        commit: async (members) => {
          groups.push([...members]);
          if (groups.length === 1) await hold.promise;
          return members.map((m) => ({ ok: true as const, value: m }));
        },
      });
      const inFlight = queue.submit('a');
      await turn();
      const queued = queue.submit('b');
      let closed = false;
      const closing = queue.close().then(() => {
        closed = true;
      });
      const refused = await outcome(queue.submit('c'));
      expect(refused.ok).toBe(false);
      const error = (refused as { error: unknown }).error;
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'shutting_down', kind: 'unavailable' });
      await settle();
      expect(closed).toBe(false); // the group in flight is still open
      hold.resolve();
      await closing;
      expect(await inFlight).toBe('a');
      expect(await queued).toBe('b');
      expect(groups).toEqual([['a'], ['b']]);
      expect(queue.queued + queue.inFlight).toBe(0);
    });

    it('resolves at once when idle, and when the last queued member gives up', async () => {
      const idle = recording().queue;
      await idle.close();

      const hold = deferred();
      const queue = new GroupCommit<string, string>({
        commit: async (members) => {
          await hold.promise;
          return members.map((m) => ({ ok: true as const, value: m }));
        },
      });
      const first = queue.submit('a');
      await turn();
      const controller = new AbortController();
      const second = outcome(queue.submit('b', { signal: controller.signal }));
      const closing = queue.close();
      controller.abort();
      expect((await second).ok).toBe(false);
      hold.resolve();
      await closing;
      expect(await first).toBe('a');
    });

    it('a group that fails while closing still answers its members before close resolves', async () => {
      const { queue } = recording();
      const results = ['a', 'bad'].map((m) => outcome(queue.submit(m)));
      await queue.close();
      // Both already answered when close resolved: the failed group's members were retried alone.
      const settled = await Promise.race([Promise.all(results), turn().then(() => 'pending' as const)]);
      expect(settled).not.toBe('pending');
      expect((settled as Outcome<string>[]).map((r) => r.ok)).toEqual([true, false]);
    });
  });

  it('keeps at most `concurrency` groups in flight', async () => {
    const holds: ReturnType<typeof deferred<void>>[] = [];
    let most = 0;
    let running = 0;
    const queue = new GroupCommit<number, number>({
      maxSize: 1,
      concurrency: 2,
      commit: async (members) => {
        running++;
        most = Math.max(most, running);
        const hold = deferred();
        holds.push(hold);
        await hold.promise;
        running--;
        return members.map((m) => ({ ok: true as const, value: m * 10 }));
      },
    });
    const results = [1, 2, 3, 4, 5].map((m) => queue.submit(m));
    while (holds.length < 5) {
      await settle();
      expect(running).toBeLessThanOrEqual(2);
      for (const hold of holds) hold.resolve();
    }
    for (const hold of holds) hold.resolve();
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50]);
    expect(most).toBe(2);
  });

  it('tells its observer of each member joining and each group leaving, with its lane, a caller giving up as a group of one', async () => {
    const events: string[] = [];
    const observer = {
      joined: (lane?: string) => events.push(`joined ${lane}`),
      left: (size: number, lane?: string) => events.push(`left ${size} ${lane}`),
    };
    const { queue } = recording({ observer, lane: 'L', maxSize: 2 });
    const controller = new AbortController();
    const results = [
      queue.submit('a'),
      outcome(queue.submit('b', { signal: controller.signal })),
      queue.submit('c'),
      queue.submit('d'),
    ];
    controller.abort();
    await Promise.all(results);
    expect(events).toEqual([
      'joined L',
      'joined L',
      'joined L',
      'joined L',
      'left 1 L',
      'left 2 L',
      'left 1 L',
    ]);
  });

  it('calls onIdle when nothing is queued or in flight', async () => {
    let idle = 0;
    const { queue } = recording({ onIdle: () => idle++ });
    await Promise.all([queue.submit('a'), queue.submit('b')]);
    await settle();
    expect(idle).toBe(1);
  });

  it('refuses a maxSize or concurrency below one', () => {
    expect(() => recording({ maxSize: 0 })).toThrow(RangeError);
    expect(() => recording({ concurrency: 0 })).toThrow(RangeError);
  });
});
