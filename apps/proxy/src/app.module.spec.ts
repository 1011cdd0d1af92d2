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

const stateDir = mkdtempSync(join(tmpdir(), 'wpx-app-module-'));
after(() => rmSync(stateDir, { recursive: true, force: true }));

async function resolves(flags: ConfigInput): Promise<void> {
  const config = loadConfig({ stateDir, listen: ['tcp://127.0.0.1:12375'], ...flags }, {});
  const app = await NestFactory.create(AppModule.register(config, pino({ level: 'silent' })), new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  assert.ok(app.get(GatewayService));
}

describe('AppModule: every provider resolves from its module imports', () => {
  test('the defaults', () => resolves({}));
  test('with weaveDNS (listen and upstream given: nothing is probed)', () =>
    resolves({ withDns: true, dnsListen: '127.0.0.1:5353', dnsUpstream: ['127.0.0.1:53'] }));
  test('with --rewrite-inspect and --no-rewrite-hosts', () => resolves({ rewriteInspect: true, rewriteHosts: false }));
});
