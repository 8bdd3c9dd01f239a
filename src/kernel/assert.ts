/**
 * Assertions guard states that only a bug can produce. They stay on in production and crash loudly:
 * carrying on with a broken invariant in a ledger is worse than stopping.
 */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function unreachable(value: never, message = 'unreachable'): never {
  throw new AssertionError(`${message}: ${String(value)}`);
}
