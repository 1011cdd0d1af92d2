// Issue 2, acceptance 1: `docker version`, `docker info`, `docker ps -a` through the proxy match the
// direct answers; and the API answers the same with and without a `/v1.NN` prefix.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareWithDirect, without } from '../support/compare';
import { describeResult, docker, dockerDirect, dockerOk } from '../support/docker.cli';
import { DOCKER_SOCKET_URL, rawRequest } from '../support/http.client';
import { uniqueName } from '../support/names';
import { useProxy } from '../support/proxy.harness';

// Fields of `docker info` that differ between any two calls, or because the proxy itself holds
// connections and event subscriptions to dockerd.
const VOLATILE_INFO = ['SystemTime', 'NGoroutines', 'NFd', 'NEventsListener'];

describe('gateway: version, info, ps match dockerd', () => {
  const proxy = useProxy();

  test('docker version', async () => {
    const { proxied, direct } = await compareWithDirect(proxy().url, async (host) => {
      const r = await docker(['version'], { host });
      assert.equal(r.code, 0, describeResult(['version'], r));
      return r.stdout.toString();
    });
    assert.match(proxied, /Server:/);
    assert.equal(proxied, direct);
  });

  test('docker info', async () => {
    const args = ['info', '--format', '{{json .}}'];
    const { proxied, direct } = await compareWithDirect(proxy().url, async (host) => {
      const r = await docker(args, { host });
      assert.equal(r.code, 0, describeResult(args, r));
      return without(JSON.parse(r.stdout.toString()), VOLATILE_INFO);
    });
    assert.equal(proxied.ServerErrors, undefined, `server errors: ${JSON.stringify(proxied.ServerErrors)}`);
    assert.ok(proxied.ID, 'info has the daemon ID');
    assert.deepEqual(proxied, direct);
  });

  test('docker ps -a', async () => {
    // At least one container, so that the listing is not trivially empty.
    await dockerDirect(['create', '--name', uniqueName('ps'), 'busybox:local', 'true']);
    const { proxied, direct } = await compareWithDirect(proxy().url, async (host) => {
      const r = await docker(['ps', '-a', '--no-trunc'], { host });
      assert.equal(r.code, 0, describeResult(['ps', '-a'], r));
      return r.stdout.toString();
    });
    assert.match(proxied, /CONTAINER ID/);
    assert.equal(proxied, direct);
  });

  test('the API answers the same with and without a /v1.41 prefix', async () => {
    // (Not a listing of several images: dockerd orders images created in the same second randomly.)
    const busybox = encodeURIComponent(JSON.stringify({ reference: ['busybox:local'] }));
    for (const path of ['/version', '/containers/json?all=1', `/images/json?filters=${busybox}`]) {
      const { proxied, direct } = await compareWithDirect(proxy().url, async (host) => {
        const [plain, prefixed] = await Promise.all([
          rawRequest(host, 'GET', path),
          rawRequest(host, 'GET', `/v1.41${path}`),
        ]);
        return {
          plain: [plain.status, plain.body.toString()],
          prefixed: [prefixed.status, prefixed.body.toString()],
        };
      });
      assert.equal(proxied.plain[0], 200, `GET ${path}: ${proxied.plain[1]}`);
      assert.equal(proxied.prefixed[0], 200, `GET /v1.41${path}: ${proxied.prefixed[1]}`);
      assert.deepEqual(proxied, direct, path);
    }
  });

  test('docker CLI through the proxy negotiates the daemon API version', async () => {
    const direct = await dockerOk(['version', '--format', '{{.Client.APIVersion}}'], { host: DOCKER_SOCKET_URL });
    const proxied = await dockerOk(['version', '--format', '{{.Client.APIVersion}}'], { host: proxy().url });
    assert.equal(proxied, direct);
  });
});
