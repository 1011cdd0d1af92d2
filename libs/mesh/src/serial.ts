/**
 * Chains calls so that none overlaps another: each starts when the previous one settled (resolved
 * or rejected). The convergers use it so two convergences never race on the same kernel or store.
 */
export class SerialRunner {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next;
    return next;
  }
}

/**
 * Applies `op` to each item in turn, never stopping at a failure: answers the items it succeeded
 * for and pushes `<what> <label>: <message>` onto `errors` for each one that failed.
 */
export async function applyEach<T>(items: readonly T[], op: (item: T) => Promise<void>, what: string, errors: string[], label: (item: T) => string = String): Promise<T[]> {
  const done: T[] = [];
  for (const item of items) {
    await op(item).then(() => done.push(item), (err: Error) => errors.push(`${what} ${label(item)}: ${err.message}`));
  }
  return done;
}
