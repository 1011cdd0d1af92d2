// The whole dependency graph resolves: every provider of AppModule can be built from what its
// module imports. NestFactory.create instantiates every provider without init(): no listener opens,
// no controller loop starts, nothing talks to Docker. A module that forgets an import (DnsModule
// without DockerClientModule, as once happened) fails here instead of at the first boot.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import pino from 'pino';
import { AppModule } from './app.module';
import { loadConfig } from './config/config.loader';
import { ConfigInput } from './config/flag.parsers';
import { GatewayService } from './gateway/gateway.service';
import { PeersReport, PeersService } from './peers/peers.service';

const stateDir = mkdtempSync(join(tmpdir(), 'wpx-app-module-'));
after(() => rmSync(stateDir, { recursive: true, force: true }));

async function resolves(flags: ConfigInput): Promise<PeersReport> {
  const config = loadConfig({ stateDir, listen: ['tcp://127.0.0.1:12375'], ...flags }, {});
  const app = await NestFactory.create(AppModule.register(config, pino({ level: 'silent' })), new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  assert.ok(app.get(GatewayService));
  return app.get(PeersService).report();
}

describe('AppModule: every provider resolves from its module imports', () => {
  test('the defaults: no peers without etcd', async () => assert.deepEqual(await resolves({}), { enabled: false }));
  test('with --store etcd:// (connects lazily: nothing is contacted)', async () => {
    const report = await resolves({ store: 'etcd://127.0.0.1:1', peerAddress: '192.168.77.11' });
    assert.equal(report.enabled, true);
    assert.equal(report.enabled && report.self.address, '192.168.77.11');
    assert.match(report.enabled ? report.self.id : '', /^[0-9a-f]{32}$/);
  });
  test('with weaveDNS (listen and upstream given: nothing is probed)', async () => {
    await resolves({ withDns: true, dnsListen: '127.0.0.1:5353', dnsUpstream: ['127.0.0.1:53'] });
  });
  test('with --rewrite-inspect and --no-rewrite-hosts', async () => {
    await resolves({ rewriteInspect: true, rewriteHosts: false });
  });
});
