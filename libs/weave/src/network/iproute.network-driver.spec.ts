import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommandError, CommandRunner } from './command.runner';
import { IprouteNetworkDriver } from './iproute.network-driver';
import { NetnsHandle } from './network.driver';
import { ProcessChangedError } from './process-changed.error';

/** Answers host commands from a script, recording what was run (with its stdin and passed fds). */
class ScriptedRunner implements CommandRunner {
  readonly ran: string[] = [];
  readonly fds: number[][] = [];
  constructor(private readonly answer: (line: string, input?: string) => string) {}

  async run(file: string, args: string[], input?: string, fds: number[] = []): Promise<string> {
    const line = [file, ...args].join(' ');
    this.ran.push(input ? `${line} <<${input.trim().split('\n').join('; ')}` : line);
    this.fds.push(fds);
    return this.answer(line, input);
  }
}

const ID = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

/** A /proc with process 42 of container ID (its stat, cgroup and a stand-in ns/net file). */
function fakeProc(cgroupId = ID): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'proc-'));
  fs.mkdirSync(path.join(root, '42', 'ns'), { recursive: true });
  const fields = ['S', ...Array.from({ length: 18 }, () => '0'), '123456', '0'];
  fs.writeFileSync(path.join(root, '42', 'stat'), `42 (w (x)) ${fields.join(' ')}\n`);
  fs.writeFileSync(path.join(root, '42', 'cgroup'), `0::/system.slice/docker-${cgroupId}.scope\n`);
  fs.writeFileSync(path.join(root, '42', 'ns', 'net'), '');
  return root;
}

const ADDRS = JSON.stringify([
  { ifname: 'lo', flags: ['UP'], addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
  {
    ifname: 'ethwe',
    flags: ['BROADCAST', 'UP', 'LOWER_UP'],
    address: '0a:00:00:00:00:01',
    addr_info: [
      { family: 'inet', local: '10.2.1.1', prefixlen: 24 },
      { family: 'inet6', local: 'fe80::1', prefixlen: 64 },
    ],
  },
]);

describe('IprouteNetworkDriver', () => {
  let proc: string;
  let handles: NetnsHandle[] = [];
  before(() => (proc = fakeProc()));
  after(async () => {
    for (const h of handles) await h.close();
    fs.rmSync(proc, { recursive: true });
  });
  const open = async (runner: ScriptedRunner) => {
    const driver = new IprouteNetworkDriver(runner, proc);
    const ns = await driver.openNetns(42, ID);
    handles.push(ns);
    return { driver, ns };
  };

  test('inspectNetns reads ethwe, its IPv4 addresses, carrier and the multicast route in one process', async () => {
    const routes = JSON.stringify([{ dst: '224.0.0.0/4', dev: 'ethwe' }]);
    const runner = new ScriptedRunner(() => `${ADDRS}\n${routes}\n`);
    const { driver, ns } = await open(runner);
    const state = await driver.inspectNetns(ns);
    assert.deepEqual(state, {
      ethwe: { up: true, carrier: true, mac: '0a:00:00:00:00:01', addresses: [{ address: '10.2.1.1', prefixLength: 24 }] },
      multicastRoute: true,
    });
    assert.equal(runner.ran.length, 1);
    assert.match(runner.ran[0], /^nsenter --net=\/proc\/self\/fd\/3 ip -j -batch -/, 'the handle, not the PID');
    assert.equal(runner.fds[0].length, 1, 'the namespace is passed as an open descriptor');
  });

  test('a namespace without ethwe has no interface and no route', async () => {
    const runner = new ScriptedRunner(() => `[]\n[]\n`);
    const { driver, ns } = await open(runner);
    assert.deepEqual(await driver.inspectNetns(ns), { multicastRoute: false });
  });

  test('createVeth is one ip process: pair, bridge, moved into the held namespace; the host end stays down', async () => {
    const runner = new ScriptedRunner(() => '');
    const { driver, ns } = await open(runner);
    const peer = await driver.createVeth(ns, 'weave', 1376);
    assert.equal(peer, 'vethwepg42');
    assert.deepEqual(runner.ran, [
      'ip -batch - <<link add vethwepl42 mtu 1376 type veth peer name vethwepg42 mtu 1376; ' +
        'link set vethwepl42 master weave; link set vethwepg42 netns /proc/self/fd/3',
    ]);
    assert.equal(runner.fds[0].length, 1);
  });

  test('a leftover pair of the same PID is removed and the pair created again', async () => {
    let first = true;
    const runner = new ScriptedRunner((line) => {
      if (line === 'ip -batch -' && first) {
        first = false;
        throw new CommandError('ip -batch -', 'RTNETLINK answers: File exists', 2);
      }
      return '';
    });
    const { driver, ns } = await open(runner);
    await driver.createVeth(ns, 'weave', 1500);
    assert.equal(runner.ran.length, 3);
    assert.equal(runner.ran[1], 'ip link del vethwepl42');
  });

  test('configureEthwe renames, sets the MAC, removes, adds, brings up and adds the route last, in one batch', async () => {
    const runner = new ScriptedRunner(() => '');
    const { driver, ns } = await open(runner);
    await driver.configureEthwe(ns, {
      renameFrom: 'vethwepg42',
      mac: '02:57:0a:02:01:01',
      remove: [{ address: '10.9.9.9', prefixLength: 24 }],
      add: [{ address: '10.2.1.1', prefixLength: 24 }],
      up: true,
      multicastRoute: true,
    });
    assert.deepEqual(runner.ran, [
      'nsenter --net=/proc/self/fd/3 ip -batch - <<link set vethwepg42 name ethwe; link set ethwe address 02:57:0a:02:01:01; ' +
        'addr del 10.9.9.9/24 dev ethwe; addr add 10.2.1.1/24 dev ethwe; link set ethwe up; route replace 224.0.0.0/4 dev ethwe',
    ]);
  });

  test('openGate brings the host end up', async () => {
    const runner = new ScriptedRunner(() => '');
    const { driver, ns } = await open(runner);
    await driver.openGate(ns);
    assert.deepEqual(runner.ran, ['ip link set vethwepl42 up']);
  });

  test('nothing to change runs nothing', async () => {
    const runner = new ScriptedRunner(() => '');
    const { driver, ns } = await open(runner);
    await driver.configureEthwe(ns, { add: [], remove: [], up: false, multicastRoute: false });
    assert.deepEqual(runner.ran, []);
  });

  test('deleting a pair that is already gone is not an error', async () => {
    const runner = new ScriptedRunner(() => {
      throw new CommandError('ip link del vethwepl42', 'Cannot find device "vethwepl42"', 1);
    });
    const { driver, ns } = await open(runner);
    await driver.deleteVeth(ns);
  });

  test('a closed handle is refused: no step can fall back to a PID', async () => {
    const runner = new ScriptedRunner(() => '');
    const { driver, ns } = await open(runner);
    await ns.close();
    await assert.rejects(driver.configureEthwe(ns, { add: [], remove: [], up: true, multicastRoute: false }), /closed/);
    assert.deepEqual(runner.ran, []);
  });

  test('openNetns refuses a PID that is gone or belongs to another container', async () => {
    const other = fakeProc(OTHER);
    try {
      const runner = new ScriptedRunner(() => '');
      await assert.rejects(new IprouteNetworkDriver(runner, other).openNetns(42, ID), ProcessChangedError);
      await assert.rejects(new IprouteNetworkDriver(runner, other).openNetns(43, ID), /is gone/);
    } finally {
      fs.rmSync(other, { recursive: true });
    }
  });
});
