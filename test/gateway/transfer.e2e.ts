// Issue 2, acceptance 4: large bodies both ways. `docker images -a` answering over 64 KiB,
// `docker build` with a context, `docker cp` of 100 MB both ways, `docker save | docker load`.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { compareWithDirect } from '../support/compare';
import { describeResult, docker, dockerDirect, dockerOk } from '../support/docker.cli';
import { dockerApi, rawRequest } from '../support/http.client';
import { removeImages, removeRunContainers, RUN_PREFIX, uniqueName } from '../support/names';
import { ProxyHandle, startProxy } from '../support/proxy.harness';
import { sha256 } from '../support/wait';

const MB = 1024 * 1024;
const LEGACY_BUILDER = { DOCKER_BUILDKIT: '0' };

describe('gateway: large transfers', () => {
  let proxy: ProxyHandle;
  let tmp: string;
  before(async () => {
    proxy = await startProxy();
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'wpt-transfer-'));
  });
  after(async () => {
    await removeRunContainers();
    await proxy?.stop();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  test('docker images -a with a response over 64 KiB', { timeout: 120_000 }, async () => {
    // 400 long tags on busybox:local: one image whose RepoTags alone are ~80 KiB.
    const repo = `wp-test/many-${process.pid}-${'a'.repeat(180)}`;
    const tags = Array.from({ length: 400 }, (_, i) => `${repo}:${i}`);
    try {
      for (let i = 0; i < tags.length; i += 8) {
        await Promise.all(
          tags.slice(i, i + 8).map((_, j) =>
            dockerApi('POST', `/images/busybox:local/tag?repo=${repo}&tag=${i + j}`),
          ),
        );
      }
      // dockerd orders images by creation time in seconds, ties in no fixed order: only a listing
      // of one image is the same byte for byte on every call.
      const filters = encodeURIComponent(JSON.stringify({ reference: [repo] }));
      const one = await compareWithDirect(proxy.url, (host) =>
        rawRequest(host, 'GET', `/images/json?all=1&filters=${filters}`).then((r) => ({ status: r.status, body: r.body })),
      );
      assert.equal(one.direct.status, 200);
      assert.ok(one.direct.body.length > 64 * 1024, `direct body is ${one.direct.body.length} bytes`);
      assert.equal(one.proxied.status, 200);
      assert.equal(one.proxied.body.length, one.direct.body.length, 'length');
      assert.ok(one.proxied.body.equals(one.direct.body), 'byte for byte');

      const all = await compareWithDirect(proxy.url, async (host) => {
        const r = await rawRequest(host, 'GET', '/images/json?all=1');
        const images = JSON.parse(r.body.toString()) as { Id: string }[];
        return { status: r.status, length: r.body.length, images: images.sort((a, b) => a.Id.localeCompare(b.Id)) };
      });
      assert.equal(all.proxied.status, 200);
      assert.ok(all.proxied.length > 64 * 1024, `proxied body is ${all.proxied.length} bytes`);
      assert.deepEqual(all.proxied, all.direct);

      const cli = await compareWithDirect(proxy.url, async (host) => {
        const r = await docker(['images', '-a', '--no-trunc'], { host });
        assert.equal(r.code, 0, describeResult(['images', '-a'], r));
        const [header, ...rows] = r.stdout.toString().split('\n');
        return [header, ...rows.sort()];
      });
      assert.equal(cli.proxied.filter((l) => l.startsWith(repo)).length, tags.length);
      assert.deepEqual(cli.proxied, cli.direct);
    } finally {
      await removeImages(tags);
    }
  });

  test('docker build with a context', { timeout: 120_000 }, async () => {
    const context = path.join(tmp, 'context');
    await fs.mkdir(context);
    const data = randomBytes(20 * MB);
    await fs.writeFile(path.join(context, 'data.bin'), data);
    await fs.writeFile(
      path.join(context, 'Dockerfile'),
      'FROM busybox:local\nCOPY data.bin /data.bin\nCMD ["sha256sum", "/data.bin"]\n',
    );
    const tag = `wp-test/built-${process.pid}:latest`;
    try {
      const args = ['build', '-t', tag, context];
      const r = await docker(args, { env: LEGACY_BUILDER, timeoutMs: 100_000 });
      assert.equal(r.code, 0, describeResult(args, r));
      assert.match(r.stdout.toString(), /Successfully tagged/);
      const out = await dockerOk(['run', '--rm', '--name', uniqueName('built'), tag]);
      assert.equal(out.split(' ')[0], sha256(data));
    } finally {
      await removeImages([tag]);
    }
  });

  test('docker cp of 100 MB both ways', { timeout: 300_000 }, async () => {
    const name = uniqueName('cp');
    await dockerOk(['run', '-d', '--name', name, 'busybox:local', 'sleep', '600']);
    const data = randomBytes(100 * MB);
    const src = path.join(tmp, 'cp-in.bin');
    await fs.writeFile(src, data);

    const copyIn = ['cp', src, `${name}:/tmp/big.bin`];
    const rIn = await docker(copyIn, { timeoutMs: 120_000 });
    assert.equal(rIn.code, 0, describeResult(copyIn, rIn));
    const inside = await dockerOk(['exec', name, 'sha256sum', '/tmp/big.bin']);
    assert.equal(inside.split(' ')[0], sha256(data), 'the copy in the container');

    const dest = path.join(tmp, 'cp-out.bin');
    const copyOut = ['cp', `${name}:/tmp/big.bin`, dest];
    const rOut = await docker(copyOut, { timeoutMs: 120_000 });
    assert.equal(rOut.code, 0, describeResult(copyOut, rOut));
    const back = await fs.readFile(dest);
    assert.equal(back.length, data.length, 'length');
    assert.equal(sha256(back), sha256(data), 'the copy back on the host');
  });

  test('docker save | docker load round trip', { timeout: 120_000 }, async () => {
    // An image of its own (one extra layer), so that load has a layer to import again.
    const tag = `wp-test/saved-${process.pid}:v1`;
    const marker = `${RUN_PREFIX}${Date.now()}`;
    try {
      const built = await dockerDirect(['build', '-q', '-t', tag, '-'], {
        input: `FROM busybox:local\nRUN echo ${marker} > /marker\n`,
        env: LEGACY_BUILDER,
      });
      assert.equal(built.code, 0, describeResult(['build', '-'], built));
      const id = (await dockerOk(['image', 'inspect', '--format', '{{.Id}}', tag])).trim();

      const saved = await docker(['save', tag], { timeoutMs: 60_000 });
      assert.equal(saved.code, 0, describeResult(['save', tag], saved));
      assert.ok(saved.stdout.length > MB, `the tar is ${saved.stdout.length} bytes`);

      await dockerOk(['rmi', tag]);
      const gone = await docker(['image', 'inspect', tag]);
      assert.notEqual(gone.code, 0, 'removed before the load');

      const loaded = await docker(['load'], { input: saved.stdout, timeoutMs: 60_000 });
      assert.equal(loaded.code, 0, describeResult(['load'], loaded));
      assert.match(loaded.stdout.toString(), new RegExp(`Loaded image: ${tag}`));
      assert.equal((await dockerOk(['image', 'inspect', '--format', '{{.Id}}', tag])).trim(), id);
      const out = await dockerOk(['run', '--rm', '--name', uniqueName('loaded'), tag, 'cat', '/marker']);
      assert.equal(out, `${marker}\n`);
    } finally {
      await removeImages([tag]);
    }
  });
});
