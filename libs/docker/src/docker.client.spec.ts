import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { DockerApiError, DockerTimeoutError } from './docker-api.error';
import { DockerClient } from './docker.client';
import { parseDockerEndpoint } from './docker-endpoint';

/**
 * A daemon that answers `/fast`, never answers `/stall`, sends headers then stalls on `/half`,
 * answers 500 on `/fail`.
 */
describe('DockerClient: every buffered call has a deadline (issue 14 item 5)', () => {
  let server: http.Server;
  let client: DockerClient;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/fast') res.end('{"ok":true}');
      else if (req.url === '/half') res.writeHead(200).write('{"ok":');
      else if (req.url === '/fail') res.writeHead(500).end('{"message":"injected"}');
      // /stall: no answer at all
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    client = new DockerClient(parseDockerEndpoint(`tcp://127.0.0.1:${port}`), undefined, { timeoutMs: 1000 }); // long enough for /fast on a loaded host
  });
  after(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('an answer in time', async () => assert.deepEqual(await client.json('GET', '/fast'), { ok: true }));

  for (const path of ['/stall', '/half']) {
    test(`no whole answer by the deadline (${path}) → DockerTimeoutError, retryable`, async () => {
      await assert.rejects(client.json('GET', `${path}?x=1`), (err: unknown) => {
        assert.ok(err instanceof DockerTimeoutError);
        assert.equal(err.message, `dockerd did not answer GET ${path} within 1s`);
        assert.equal(err.terminal, false);
        return true;
      });
    });
  }

  test('a 5xx stays a DockerApiError; the client still works after the timeouts', async () => {
    await assert.rejects(client.json('GET', '/fail'), (err: unknown) => err instanceof DockerApiError && err.status === 500);
    assert.deepEqual(await client.json('GET', '/fast'), { ok: true });
  });
});
