import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { runCli } from './cli';
import { peersText } from './peers.text';

// A stand-in for a running proxy's admin API: answers by "METHOD path", records the bodies.
const answers: Record<string, [number, unknown]> = {
  'POST /_weave/expose': [200, { addresses: ['10.2.1.3/24'] }],
  'DELETE /_weave/expose': [200, { addresses: ['10.2.1.3/24'] }],
  'DELETE /_weave/peers/dead': [200, { id: 'dead', addresses: ['10.2.1.4', '10.2.1.5'] }],
  'DELETE /_weave/peers/alive': [409, { code: 'WPX_PEER_LIVE', message: 'peer alive (h2, 192.168.77.12) is live: stop its proxy' }],
};
const bodies: string[] = [];
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    bodies.push(body);
    const [status, json] = answers[`${req.method} ${req.url}`] ?? [404, { code: 'WPX_NOT_FOUND', message: 'no' }];
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
  });
});

async function weave(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { port } = server.address() as AddressInfo;
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => out.push(a.join(' '));
  console.error = (...a: unknown[]) => err.push(a.join(' '));
  try {
    const code = await runCli(['node', 'weave', ...args, '-L', `tcp://127.0.0.1:${port}`]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

describe('weave expose / hide / rmpeer', () => {
  before(() => new Promise<void>((r) => server.listen(0, '127.0.0.1', r)));
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('expose [CIDR] prints the addresses; hide prints what it removed', async () => {
    assert.deepEqual(await weave('expose'), { code: 0, out: '10.2.1.3/24', err: '' });
    assert.equal(bodies.pop(), '{}');
    assert.equal((await weave('expose', '10.2.1.3/24')).code, 0);
    assert.equal(bodies.pop(), '{"cidr":"10.2.1.3/24"}');
    assert.deepEqual(await weave('hide'), { code: 0, out: '10.2.1.3/24', err: '' });
  });

  test('rmpeer prints the addresses taken over; a live peer is refused with the proxy\'s message, exit 1', async () => {
    assert.deepEqual(await weave('rmpeer', 'dead'), { code: 0, out: '2 IPs taken over from dead', err: '' });
    assert.deepEqual(await weave('rmpeer', 'alive'), { code: 1, out: '', err: 'weave: peer alive (h2, 192.168.77.12) is live: stop its proxy' });
  });
});

describe('weave status: the peers section', () => {
  test('one line per peer, self marked, live before gone; single host says so', () => {
    const p = (id: string, hostname: string, address: string) => ({ id, hostname, address, mtu: 1500 });
    const text = peersText({ enabled: true, self: p('aa', 'h1', '192.168.77.11'), live: [p('aa', 'h1', '192.168.77.11'), p('bb', 'h1', '192.168.77.12')], gone: [p('cc', 'h3', '192.168.77.13')] });
    assert.equal(text, [
      'Peers:        2 live, 1 gone',
      '  ID  HOSTNAME  ADDRESS        STATE        MTU',
      '  aa  h1        192.168.77.11  live (self)  1500',
      '  bb  h1        192.168.77.12  live         1500',
      '  cc  h3        192.168.77.13  gone         1500',
    ].join('\n'));
    assert.match(peersText({ enabled: false }), /^Peers: +none \(single host/);
  });
});
