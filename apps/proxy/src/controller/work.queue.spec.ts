import { afterEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { Outcome, WorkQueue, WorkQueueOptions } from './work.queue';

class TerminalError extends Error {}

const flush = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A processor that records every run and how many runs of each key overlap. Runs of a key listed
 * in `hold` wait until `release(key)`; `fail` decides a run's error (undefined: success).
 */
class Processor {
  /** Run starts stamped from `seq`, a counter the test also stamps its adds from. */
  readonly starts: Array<[string, number]> = [];
  readonly hold = new Set<string>();
  seq = 0;
  maxPerKey = 0;
  maxTotal = 0;
  fail: (key: string, n: number) => Error | undefined = () => undefined;
  private readonly inFlight = new Map<string, number>();
  private readonly gates = new Map<string, Array<() => void>>();
  private total = 0;

  readonly process = async (key: string): Promise<void> => {
    this.starts.push([key, ++this.seq]);
    const n = (this.inFlight.get(key) ?? 0) + 1;
    this.inFlight.set(key, n);
    this.maxPerKey = Math.max(this.maxPerKey, n);
    this.maxTotal = Math.max(this.maxTotal, ++this.total);
    try {
      if (this.hold.has(key)) await new Promise<void>((r) => this.gates.set(key, [...(this.gates.get(key) ?? []), r]));
      else await flush();
      const err = this.fail(key, this.count(key));
      if (err) throw err;
    } finally {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
      this.total--;
    }
  };

  get runs(): string[] {
    return this.starts.map(([k]) => k);
  }

  release(key: string): void {
    this.hold.delete(key);
    for (const open of this.gates.get(key) ?? []) open();
    this.gates.delete(key);
  }

  count(key: string): number {
    return this.runs.filter((k) => k === key).length;
  }
}

function setup(options: Partial<WorkQueueOptions> = {}) {
  const p = new Processor();
  const opts = { workers: 2, baseDelayMs: 10, maxDelayMs: 40, ...options };
  return { p, queue: new WorkQueue(p.process, (err) => err instanceof TerminalError, opts) };
}

async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await flush();
}

describe('WorkQueue: de-duplication and exclusivity', () => {
  test('a key added many times while it waits is processed once', async () => {
    const { p, queue } = setup({ workers: 1 });
    p.hold.add('a');
    queue.add('a');
    for (let i = 0; i < 5; i++) queue.add('b');
    assert.equal(queue.depth, 1);
    p.release('a');
    await settle();
    assert.deepEqual(p.runs, ['a', 'b']);
  });

  test('a key added while it runs is processed exactly once more afterwards', async () => {
    const { p, queue } = setup();
    p.hold.add('a');
    queue.add('a');
    await flush();
    for (let i = 0; i < 3; i++) queue.add('a');
    assert.equal(p.count('a'), 1, 'not started again while running');
    p.release('a');
    await settle();
    assert.deepEqual(p.runs, ['a', 'a']);
  });

  test('one key never runs twice at once, and every add is followed by a run (stress)', async () => {
    const { p, queue } = setup({ workers: 4 });
    const lastAdd = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const key = `k${i % 5}`;
      lastAdd.set(key, ++p.seq);
      queue.add(key);
      if (i % 7 === 0) await flush();
    }
    await settle(100);
    assert.equal(p.maxPerKey, 1);
    assert.ok(p.maxTotal <= 4);
    for (const [key, added] of lastAdd) {
      assert.ok(p.starts.some(([k, at]) => k === key && at > added), `${key} ran after its last add`);
    }
  });

  test('different keys run in parallel up to `workers`', async () => {
    const { p, queue } = setup({ workers: 2 });
    for (const k of ['a', 'b', 'c', 'd']) p.hold.add(k);
    for (const k of ['a', 'b', 'c', 'd']) queue.add(k);
    await flush();
    assert.deepEqual(p.runs, ['a', 'b']);
    assert.equal(queue.depth, 2);
    for (const k of ['a', 'b', 'c', 'd']) p.release(k);
    await settle();
    assert.deepEqual([...p.runs].sort(), ['a', 'b', 'c', 'd']);
    assert.equal(p.maxTotal, 2);
  });
});

describe('WorkQueue: retries', () => {
  afterEach(() => mock.timers.reset());

  /** Advances mocked time by `ms` and lets the runs it triggers finish. */
  async function tick(ms: number): Promise<void> {
    mock.timers.tick(ms);
    await settle();
  }

  test('failures are retried with exponential backoff, capped at maxDelayMs', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { p, queue } = setup({ baseDelayMs: 10, maxDelayMs: 40 });
    p.fail = () => new Error('transient');
    queue.add('a');
    await settle();
    for (const [delay, expected] of [[10, 2], [20, 3], [40, 4], [40, 5], [40, 6]] as const) {
      await tick(delay - 1);
      assert.equal(p.count('a'), expected - 1, `not before ${delay} ms`);
      await tick(1);
      assert.equal(p.count('a'), expected, `after ${delay} ms`);
    }
    assert.equal(queue.depth, 1, 'waiting for its next retry');
  });

  test('a success resets the backoff', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { p, queue } = setup({ baseDelayMs: 10, maxDelayMs: 1000 });
    p.fail = (_k, n) => (n === 3 ? undefined : new Error('transient'));
    queue.add('a');
    await settle();
    await tick(10);
    await tick(20);
    assert.equal(p.count('a'), 3, 'third run succeeded');
    queue.add('a'); // fails again (n = 4): the delay starts over at the base
    await settle();
    await tick(10);
    assert.equal(p.count('a'), 5);
  });

  test('terminal errors are not retried', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { p, queue } = setup();
    p.fail = () => new TerminalError('bad WEAVE_CIDR');
    queue.add('a');
    await settle();
    await tick(10_000);
    assert.equal(p.count('a'), 1);
    assert.equal(queue.depth, 0);
  });

  test('an add during backoff runs the key at once instead of waiting', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { p, queue } = setup({ baseDelayMs: 1000 });
    p.fail = (_k, n) => (n === 1 ? new Error('transient') : undefined);
    queue.add('a');
    await settle();
    queue.add('a');
    await settle();
    assert.equal(p.count('a'), 2);
    await tick(5000);
    assert.equal(p.count('a'), 2, 'the cancelled retry does not run');
  });

  test('addAfter schedules one delayed run; a second addAfter does not add another', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { p, queue } = setup();
    queue.addAfter('a', 50);
    queue.addAfter('a', 50);
    assert.equal(queue.depth, 1);
    await tick(49);
    assert.equal(p.count('a'), 0);
    await tick(100);
    assert.equal(p.count('a'), 1);
  });
});

describe('WorkQueue: addAndWait', () => {
  test('resolves with the outcome of the run that processed the key', async () => {
    const { p, queue } = setup();
    const boom = new TerminalError('no');
    p.fail = (k) => (k === 'bad' ? boom : undefined);
    assert.deepEqual(await queue.addAndWait('good'), { ok: true });
    assert.deepEqual(await queue.addAndWait('bad'), { ok: false, error: boom, terminal: true });
  });

  test('a transient failure is reported as not terminal (and is retried)', async () => {
    const { p, queue } = setup({ baseDelayMs: 5 });
    p.fail = (_k, n) => (n === 1 ? new Error('transient') : undefined);
    const outcome = await queue.addAndWait('a');
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.terminal, false);
    await sleep(30);
    assert.equal(p.count('a'), 2);
  });

  test('waiting on a running key gets the outcome of the run after it, not the one in progress', async () => {
    const { p, queue } = setup();
    p.fail = (_k, n) => (n === 2 ? new Error('second run failed') : undefined);
    p.hold.add('a');
    const first = queue.addAndWait('a');
    await flush();
    const second = queue.addAndWait('a');
    p.release('a');
    assert.deepEqual(await first, { ok: true });
    const outcome: Outcome = await second;
    assert.equal(!outcome.ok && (outcome.error as Error).message, 'second run failed');
    assert.equal(p.count('a'), 2);
  });

  test('several waiters of one pending key share one run', async () => {
    const { p, queue } = setup({ workers: 1 });
    p.hold.add('x');
    queue.add('x');
    const waits = [queue.addAndWait('a'), queue.addAndWait('a'), queue.addAndWait('a')];
    p.release('x');
    assert.deepEqual(await Promise.all(waits), [{ ok: true }, { ok: true }, { ok: true }]);
    assert.equal(p.count('a'), 1);
  });
});

describe('WorkQueue: stop', () => {
  test('waits for the run in flight and refuses new work', async () => {
    const { p, queue } = setup({ workers: 1 });
    p.hold.add('a');
    p.fail = () => new Error('transient');
    queue.add('a');
    queue.add('b');
    await flush();
    let stopped = false;
    const stopping = queue.stop().then(() => (stopped = true));
    await sleep(30);
    assert.equal(stopped, false, 'still running');
    p.release('a');
    await stopping;
    queue.add('c');
    queue.addAfter('d', 1);
    await sleep(40);
    assert.deepEqual(p.runs, ['a'], 'no retry of a, no b, c or d after stop');
  });

  test(
    'addAndWait after stop settles instead of hanging',
    
    async () => {
      const { queue } = setup();
      await queue.stop();
      const result = await Promise.race([queue.addAndWait('a'), sleep(100).then(() => 'hung')]);
      assert.notEqual(result, 'hung');
    },
  );

  test(
    'a waiter whose key had not started when stop was called settles',
    
    async () => {
      const { p, queue } = setup({ workers: 1 });
      p.hold.add('x');
      queue.add('x');
      const waiting = queue.addAndWait('a');
      const stopping = queue.stop();
      p.release('x');
      await stopping;
      const result = await Promise.race([waiting, sleep(100).then(() => 'hung')]);
      assert.notEqual(result, 'hung');
    },
  );
});

describe('WorkQueue: how long keys wait (weave_proxy_queue_wait_seconds)', () => {
  test('told once per run, as it starts; a key de-duplicated while waiting is one wait', async () => {
    const p = new Processor();
    const waits: number[] = [];
    const queue = new WorkQueue(p.process, () => false, { workers: 1, baseDelayMs: 10, maxDelayMs: 40 }, (ms) => waits.push(ms));
    p.hold.add('a');
    queue.add('a');
    queue.add('b');
    queue.add('b');
    assert.equal(waits.length, 1, 'a started; b waits for the worker');
    p.release('a');
    await settle();
    assert.deepEqual(p.runs, ['a', 'b']);
    assert.equal(waits.length, 2);
    assert.ok(waits.every((ms) => ms >= 0));
  });
});

describe('WorkQueue: urgent keys (a started process waits in /w/w) go first', () => {
  /** One worker, busy with `x` until release('x'). */
  function busy() {
    const s = setup({ workers: 1 });
    s.p.hold.add('x');
    s.queue.add('x');
    return s;
  }

  test('an urgent key runs before every key that waits without urgency, urgent ones in order', async () => {
    const { p, queue } = busy();
    for (const k of ['a', 'b', 'c']) queue.add(k);
    queue.add('d', true);
    queue.add('e', true);
    p.release('x');
    await settle();
    assert.deepEqual(p.runs, ['x', 'd', 'e', 'a', 'b', 'c']);
  });

  test('a waiting key made urgent moves ahead, and still runs once', async () => {
    const { p, queue } = busy();
    for (const k of ['a', 'b', 'c']) queue.add(k);
    queue.add('c', true);
    queue.add('c', true);
    queue.add('c');
    assert.equal(queue.depth, 3);
    p.release('x');
    await settle();
    assert.deepEqual(p.runs, ['x', 'c', 'a', 'b']);
  });

  test('a key made urgent while it runs runs again next, before the waiting ones', async () => {
    const { p, queue } = busy();
    queue.add('a');
    queue.add('x', true);
    p.release('x');
    await settle();
    assert.deepEqual(p.runs, ['x', 'x', 'a']);
  });

  test('addAndWait (a docker start) does not queue behind exits and resyncs', async () => {
    const { p, queue } = busy();
    for (let i = 0; i < 20; i++) queue.add(`exit${i}`);
    const outcome = queue.addAndWait('started');
    p.release('x');
    assert.deepEqual(await outcome, { ok: true });
    assert.deepEqual(p.runs.slice(0, 2), ['x', 'started']);
  });

  test('a slow urgent run holds only its worker; the others keep going', async () => {
    const { p, queue } = setup({ workers: 2 });
    p.hold.add('slow');
    queue.add('slow', true);
    for (const k of ['a', 'b', 'c']) queue.add(k);
    await settle();
    assert.deepEqual(p.runs, ['slow', 'a', 'b', 'c']);
    p.release('slow');
    await settle();
    assert.equal(p.maxPerKey, 1);
  });

  test('exclusivity and every add followed by a run hold with urgent adds mixed in (stress)', async () => {
    const { p, queue } = setup({ workers: 3 });
    const lastAdd = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const key = `k${i % 7}`;
      lastAdd.set(key, ++p.seq);
      queue.add(key, i % 3 === 0);
      if (i % 5 === 0) await flush();
    }
    await settle(100);
    assert.equal(p.maxPerKey, 1);
    assert.ok(p.maxTotal <= 3);
    for (const [key, added] of lastAdd) {
      assert.ok(p.starts.some(([k, at]) => k === key && at > added), `${key} ran after its last add`);
    }
  });
});

describe('WorkQueue: an urgent key that fails', () => {
  afterEach(() => mock.timers.reset());

  test('twice, then succeeds: retried with backoff, the waiter following it gets the success', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { p, queue } = setup({ baseDelayMs: 10, maxDelayMs: 40 });
    p.fail = (_k, n) => (n <= 2 ? new Error('transient') : undefined);
    const first = await Promise.all([queue.addAndWait('a'), settle()]).then(([o]) => o);
    assert.equal(first.ok, false);
    const next = queue.nextOutcome('a');
    mock.timers.tick(10);
    await settle();
    assert.equal((await next).ok, false, 'second run failed too');
    const third = queue.nextOutcome('a');
    mock.timers.tick(20);
    await settle();
    assert.deepEqual(await third, { ok: true });
    assert.equal(p.count('a'), 3);
  });
});
