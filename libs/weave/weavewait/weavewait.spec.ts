import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

// weavewait is C, not TypeScript: these tests drive the built binary as a
// process, and attach "containers" by hand with iproute2 in network
// namespaces of their own (root only), the way the proxy's attach does.

function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'libs/weave/weavewait/build.sh'))) return dir;
  }
  throw new Error('weavewait spec: repository root not found above ' + __dirname);
}

const ROOT = repoRoot();
const BIN = path.join(ROOT, 'dist/weavewait/w');
const IS_ROOT = process.getuid?.() === 0;
const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p));
const NSENTER = ['/usr/bin/nsenter', '/bin/nsenter'].find((p) => existsSync(p));
const NETNS_SKIP = !IS_ROOT ? 'needs root' : !IP ? 'needs iproute2' : false;

// Cheap when up to date, so always run: a stale binary would test old code.
before(() => {
  const build = spawnSync('sh', [path.join(ROOT, 'libs/weave/weavewait/build.sh')], { encoding: 'utf8' });
  assert.equal(build.status, 0, `build.sh failed: ${build.stderr}`);
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A started process whose output is collected until it exits. */
class Run {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  stdout = '';
  stderr = '';

  constructor(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
    const started = Date.now();
    this.child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) =>
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr, ms: Date.now() - started }),
      );
    });
    running.add(this);
    void this.exited.finally(() => running.delete(this)).catch(() => undefined);
  }

  /** Asserts the process is still blocked after `ms`, having printed nothing. */
  async assertWaiting(ms: number, why: string): Promise<void> {
    await delay(ms);
    assert.equal(this.child.exitCode, null, `exited early (${why}): ${this.stderr}`);
    assert.equal(this.stdout, '', `ran the command early (${why})`);
  }

  /** Resolves with the exit, or fails (and kills) after `ms`. */
  async finish(ms: number): Promise<Exit> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    try {
      const exit = await this.exited;
      assert.equal(exit.signal, null, `still waiting after ${ms} ms: ${this.stderr}`);
      return exit;
    } finally {
      clearTimeout(timer);
    }
  }
}

const running = new Set<Run>();
const tmpDirs: string[] = [];
let nsCount = 0;

function tmpDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wwtest-'));
  tmpDirs.push(dir);
  return dir;
}

function writeExe(dir: string, name: string, body: string, mode = 0o755): string {
  const file = path.join(dir, name);
  writeFileSync(file, body);
  chmodSync(file, mode);
  return file;
}

function ip(...args: string[]): void {
  const r = spawnSync(IP!, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `ip ${args.join(' ')}: ${r.stderr}`);
}

/**
 * A network namespace standing in for a container, with the attach steps the
 * proxy performs (veth created on the host, one end moved in and renamed
 * ethwe) available one at a time.
 */
class Sandbox {
  static readonly all = new Set<Sandbox>();
  readonly name: string;
  private readonly hostEnd: string;
  private readonly peerEnd: string;

  constructor() {
    const n = nsCount++;
    this.name = `wwtest-${process.pid}-${n}`;
    this.hostEnd = `wwh${process.pid}x${n}`;
    this.peerEnd = `wwp${process.pid}x${n}`;
    Sandbox.all.add(this);
    ip('netns', 'add', this.name);
  }

  /** Runs weavewait inside; `ip netns exec` mounts a /sys for the namespace. */
  run(args: string[], env?: NodeJS.ProcessEnv): Run {
    return new Run(IP!, ['netns', 'exec', this.name, BIN, ...args], env);
  }

  /** ethwe appears and is up, but its peer is down, so it has no carrier. */
  plugIn(): void {
    ip('link', 'add', this.hostEnd, 'type', 'veth', 'peer', 'name', this.peerEnd);
    ip('link', 'set', this.peerEnd, 'netns', this.name);
    ip('-n', this.name, 'link', 'set', this.peerEnd, 'name', 'ethwe');
    ip('-n', this.name, 'link', 'set', 'ethwe', 'up');
  }

  carrierOn(): void {
    ip('link', 'set', this.hostEnd, 'up');
  }

  addAddress(): void {
    ip('-n', this.name, 'addr', 'add', '10.99.0.1/24', 'dev', 'ethwe');
  }

  addMulticastRoute(): void {
    ip('-n', this.name, 'route', 'add', '224.0.0.0/4', 'dev', 'ethwe');
  }

  attachFully(): void {
    this.plugIn();
    this.carrierOn();
    this.addAddress();
    this.addMulticastRoute();
  }

  /** Deleting the namespace destroys ethwe and with it the host end. */
  destroy(): void {
    spawnSync(IP!, ['netns', 'del', this.name]);
    spawnSync(IP!, ['link', 'del', this.hostEnd]);
    Sandbox.all.delete(this);
  }
}

after(async () => {
  for (const r of running) r.child.kill('SIGKILL');
  await Promise.allSettled([...running].map((r) => r.exited));
  for (const s of Sandbox.all) s.destroy();
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

describe('weavewait without a network', () => {
  for (const args of [[], ['-s']]) {
    test(`w ${args.join(' ')} reports a missing command`, async () => {
      const exit = await new Run(BIN, args).finish(2000);
      assert.equal(exit.code, 1);
      assert.equal(exit.stderr, 'No command specified\n');
    });
  }

  for (const args of [['nosuchcmd'], ['-s', 'nosuchcmd']]) {
    test(`w ${args.join(' ')} fails at once, before waiting`, async () => {
      const exit = await new Run(BIN, args).finish(2000);
      assert.equal(exit.code, 127);
      assert.equal(exit.stderr, 'exec: "nosuchcmd": executable file not found in $PATH\n');
      assert.ok(exit.ms < 1000, `took ${exit.ms} ms`);
    });
  }

  test('a command with a slash is checked as a path', async () => {
    const dir = tmpDir();
    const plain = writeExe(dir, 'plain', 'data', 0o644);
    const cases: Array<[string, number, string]> = [
      [`${dir}/nope`, 127, `exec: "${dir}/nope": stat ${dir}/nope: no such file or directory\n`],
      [plain, 126, `exec: "${plain}": permission denied\n`],
      // runc (what dockerd runs) says permission denied for a directory too.
      [dir, 126, `exec: "${dir}": permission denied\n`],
    ];
    for (const [cmd, code, stderr] of cases) {
      const exit = await new Run(BIN, [cmd]).finish(2000);
      assert.deepEqual([exit.code, exit.stderr], [code, stderr], cmd);
    }
  });

  test('a PATH that is set but empty finds nothing (unlike an unset one)', async () => {
    const exit = await new Run(BIN, ['-s', 'sh'], { PATH: '' }).finish(2000);
    assert.deepEqual([exit.code, exit.stderr], [127, 'exec: "sh": executable file not found in $PATH\n']);
  });

  test('overlong PATH entries and command names neither overflow nor crash', async () => {
    const env = { PATH: `${'x'.repeat(100_000)}:/nonexistent::/${'y'.repeat(5000)}` };
    const cmd = 'z'.repeat(10_000);
    const exit = await new Run(BIN, ['-s', cmd], env).finish(2000);
    assert.equal(exit.code, 127);
    assert.equal(exit.stderr, `exec: "${cmd}": executable file not found in $PATH\n`);
  });

  test('quotes the command name the way Go does', async () => {
    const exit = await new Run(BIN, ['a"b\\c\td']).finish(2000);
    assert.equal(exit.stderr, 'exec: "a\\"b\\\\c\\td": executable file not found in $PATH\n');
  });

  test('the binary is statically linked', () => {
    const r = spawnSync('ldd', [BIN], { encoding: 'utf8' });
    if (r.error) return; // no ldd: nothing to ask
    assert.match(r.stdout + r.stderr, /not a dynamic executable|statically linked/);
  });
});

describe('weavewait waiting for attach', { skip: NETNS_SKIP, timeout: 20_000 }, () => {
  test('-s waits for ethwe, its carrier and an IPv4 address, then runs the command', async () => {
    const sb = new Sandbox();
    try {
      const run = sb.run(['-s', 'echo', 'ok']);
      await run.assertWaiting(300, 'no ethwe');
      sb.plugIn();
      await run.assertWaiting(300, 'ethwe has no carrier');
      sb.carrierOn();
      await run.assertWaiting(300, 'ethwe has no address');
      sb.addAddress();
      const exit = await run.finish(2000);
      assert.deepEqual([exit.code, exit.stdout, exit.stderr], [0, 'ok\n', '']);
    } finally {
      sb.destroy();
    }
  });

  for (const args of [[], ['-s']]) {
    test(`w ${args.join(' ')}: the gate is the carrier, given last; the multicast route is not waited for`, async () => {
      // The proxy's order: ethwe with its address behind a closed gate, then carrier.
      const sb = new Sandbox();
      try {
        const run = sb.run([...args, 'echo', 'ok']);
        sb.plugIn();
        sb.addAddress();
        await run.assertWaiting(300, 'ethwe has no carrier yet');
        sb.carrierOn();
        const exit = await run.finish(2000);
        assert.deepEqual([exit.code, exit.stdout, exit.stderr], [0, 'ok\n', '']);
      } finally {
        sb.destroy();
      }
    });
  }

  test('SIGUSR2 releases the wait: the command runs without the weave network, saying so', async () => {
    const sb = new Sandbox();
    try {
      const run = sb.run(['echo', 'ok']);
      await run.assertWaiting(300, 'no ethwe');
      run.child.kill('SIGUSR2');
      const exit = await run.finish(2000);
      assert.equal(exit.code, 0);
      assert.equal(exit.stdout, 'ok\n');
      assert.match(exit.stderr, /^weavewait: released by the weave proxy: running without the weave network\n$/);
    } finally {
      sb.destroy();
    }
  });
});

describe('weavewait on an attached network', { skip: NETNS_SKIP, timeout: 20_000 }, () => {
  let sb: Sandbox;
  before(() => {
    sb = new Sandbox();
    sb.attachFully();
  });
  after(() => sb?.destroy());

  test('finds the command on PATH and execs it in place with args and environment', async () => {
    const denied = tmpDir();
    const allowed = tmpDir();
    writeExe(denied, 'hello', '#!/bin/sh\necho wrong\n', 0o644);
    writeExe(allowed, 'hello', '#!/bin/sh\necho "$$ $* $GREETING"\nexit 3\n');
    const run = sb.run(['hello', 'a', 'b c'], { PATH: `${denied}:${allowed}`, GREETING: 'hi' });
    const exit = await run.finish(2000);
    assert.equal(exit.code, 3);
    // Same pid: weavewait replaced itself, as the app must become PID 1.
    assert.equal(exit.stdout, `${run.child.pid} a b c hi\n`);
  });

  test('searches past an overlong PATH entry', async () => {
    const dir = tmpDir();
    writeExe(dir, 'hello', '#!/bin/sh\necho found\n');
    const exit = await sb.run(['hello'], { PATH: `/${'x'.repeat(5000)}:${dir}` }).finish(2000);
    assert.deepEqual([exit.code, exit.stdout], [0, 'found\n']);
  });

  test('falls back to the default PATH when none is set', async () => {
    const exit = await sb.run(['-s', 'true'], {}).finish(2000);
    assert.deepEqual([exit.code, exit.stderr], [0, '']);
  });

  test('reports an exec failure after the wait with exit 126', async () => {
    const dir = tmpDir();
    const junk = writeExe(dir, 'junk', 'not a program\n');
    const exit = await sb.run([junk]).finish(2000);
    assert.deepEqual([exit.code, exit.stderr], [126, `exec: "${junk}": exec format error\n`]);
  });

  test('judges the carrier by the interface flags when /sys shows another namespace', {
    skip: NSENTER ? false : 'needs nsenter',
  }, async () => {
    // nsenter, unlike `ip netns exec`, keeps the host's /sys, where ethwe is absent.
    const exit = await new Run(NSENTER!, [`--net=/run/netns/${sb.name}`, BIN, 'true']).finish(2000);
    assert.deepEqual([exit.code, exit.stderr], [0, '']);
  });
});
