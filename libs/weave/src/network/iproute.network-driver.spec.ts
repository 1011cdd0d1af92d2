import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandError, CommandRunner } from './command.runner';
import { IprouteNetworkDriver } from './iproute.network-driver';

/** Answers host commands from a script, recording what was run (with its stdin). */
class ScriptedRunner implements CommandRunner {
  readonly ran: string[] = [];
  constructor(private readonly answer: (line: string, input?: string) => string) {}

  async run(file: string, args: string[], input?: string): Promise<string> {
    const line = [file, ...args].join(' ');
    this.ran.push(input ? `${line} <<${input.trim().split('\n').join('; ')}` : line);
    return this.answer(line, input);
  }
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
  test('inspectNetns reads ethwe, its IPv4 addresses and the multicast route in one process', async () => {
    const routes = JSON.stringify([{ dst: '224.0.0.0/4', dev: 'ethwe' }]);
    const runner = new ScriptedRunner(() => `${ADDRS}\n${routes}\n`);
    const state = await new IprouteNetworkDriver(runner).inspectNetns(42);
    assert.deepEqual(state, {
      ethwe: { up: true, mac: '0a:00:00:00:00:01', addresses: [{ address: '10.2.1.1', prefixLength: 24 }] },
      multicastRoute: true,
    });
    assert.equal(runner.ran.length, 1);
    assert.match(runner.ran[0], /^nsenter --net=\/proc\/42\/ns\/net ip -j -batch -/);
  });

  test('a namespace without ethwe has no interface and no route', async () => {
    const runner = new ScriptedRunner(() => `[]\n[]\n`);
    assert.deepEqual(await new IprouteNetworkDriver(runner).inspectNetns(7), { multicastRoute: false });
  });

  test('createVeth is one ip process: pair, bridge, up, moved into the namespace', async () => {
    const runner = new ScriptedRunner(() => '');
    const peer = await new IprouteNetworkDriver(runner).createVeth(42, 'weave', 1376);
    assert.equal(peer, 'vethwepg42');
    assert.deepEqual(runner.ran, [
      'ip -batch - <<link add vethwepl42 mtu 1376 type veth peer name vethwepg42 mtu 1376; ' +
        'link set vethwepl42 master weave; link set vethwepl42 up; link set vethwepg42 netns 42',
    ]);
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
    await new IprouteNetworkDriver(runner).createVeth(42, 'weave', 1500);
    assert.equal(runner.ran.length, 3);
    assert.equal(runner.ran[1], 'ip link del vethwepl42');
  });

  test('configureEthwe renames, removes, adds, brings up and adds the route last, in one batch', async () => {
    const runner = new ScriptedRunner(() => '');
    await new IprouteNetworkDriver(runner).configureEthwe(42, {
      renameFrom: 'vethwepg42',
      remove: [{ address: '10.9.9.9', prefixLength: 24 }],
      add: [{ address: '10.2.1.1', prefixLength: 24 }],
      up: true,
      multicastRoute: true,
    });
    assert.deepEqual(runner.ran, [
      'nsenter --net=/proc/42/ns/net ip -batch - <<link set vethwepg42 name ethwe; addr del 10.9.9.9/24 dev ethwe; ' +
        'addr add 10.2.1.1/24 dev ethwe; link set ethwe up; route replace 224.0.0.0/4 dev ethwe',
    ]);
  });

  test('nothing to change runs nothing', async () => {
    const runner = new ScriptedRunner(() => '');
    await new IprouteNetworkDriver(runner).configureEthwe(42, { add: [], remove: [], up: false, multicastRoute: false });
    assert.deepEqual(runner.ran, []);
  });

  test('deleting a pair that is already gone is not an error', async () => {
    const runner = new ScriptedRunner(() => {
      throw new CommandError('ip link del vethwepl42', 'Cannot find device "vethwepl42"', 1);
    });
    await new IprouteNetworkDriver(runner).deleteVeth(42);
  });
});
