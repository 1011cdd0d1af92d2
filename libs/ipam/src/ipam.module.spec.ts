import 'reflect-metadata';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IpamAllocator, IpamModule } from './index';
import { makeTempDir, removeDir } from './testing/temp-dir';

const dirs: string[] = [];
const tempDir = () => {
  dirs.push(makeTempDir('module'));
  return dirs[dirs.length - 1];
};
after(() => dirs.forEach(removeDir));

@Injectable()
class SettingsFake {
  readonly range = '10.2.0.0/24';
}

@Module({ providers: [SettingsFake], exports: [SettingsFake] })
class SettingsModule {}

describe('IpamModule', () => {
  test('register: provides IpamAllocator on the embedded store; closing the app closes the store', async () => {
    const stateDir = tempDir();
    const app = await NestFactory.createApplicationContext(IpamModule.register({ range: '10.2.3.0/24', stateDir, hostId: 'h' }), { logger: false });
    const ipam = app.get(IpamAllocator);
    assert.equal((await ipam.allocate('c1')).address, '10.2.3.1');
    assert.ok(existsSync(join(stateDir, 'ipam.db')));
    await app.close();
    await assert.rejects(ipam.list(), { code: 'WPX_IPAM_STORE_UNAVAILABLE' });
  });

  test('registerAsync: options from another provider', async () => {
    const stateDir = tempDir();
    const module = IpamModule.registerAsync({
      imports: [SettingsModule],
      inject: [SettingsFake],
      useFactory: (settings: SettingsFake) => ({ range: settings.range, stateDir, hostId: 'h' }),
    });
    const app = await NestFactory.createApplicationContext(module, { logger: false });
    assert.deepEqual(await app.get(IpamAllocator).usage(), { range: '10.2.0.0/24', size: 254, used: 0, free: 254 });
    await app.close();
  });

  test('a store bound to another range refuses the boot, naming both ranges (issue 14 item 6)', async () => {
    const stateDir = tempDir();
    const first = await NestFactory.createApplicationContext(IpamModule.register({ range: '10.2.0.0/16', stateDir, hostId: 'h' }), { logger: false });
    const held = await first.get(IpamAllocator).allocate('c1');
    await first.close();
    const boot = NestFactory.createApplicationContext(IpamModule.register({ range: '10.32.0.0/12', stateDir, hostId: 'h' }), {
      logger: false,
      abortOnError: false,
    });
    await assert.rejects(boot, {
      code: 'WPX_IPAM_RANGE_MISMATCH',
      message: /holds addresses of the range 10\.2\.0\.0\/16, but this proxy was started with --iprange 10\.32\.0\.0\/12/,
    });
    const again = await NestFactory.createApplicationContext(IpamModule.register({ range: '10.2.0.0/16', stateDir, hostId: 'h' }), { logger: false });
    assert.deepEqual(await again.get(IpamAllocator).allocate('c1'), held);
    await again.close();
  });

  test('invalid options fail the boot with every problem listed', async () => {
    const boot = NestFactory.createApplicationContext(IpamModule.register({ range: '10.2.3.9/24', store: 'etcd://nohost' }), {
      logger: false,
      abortOnError: false,
    });
    await assert.rejects(boot, { code: 'WPX_IPAM_INVALID_OPTIONS', message: /range: .*10\.2\.3\.9\/24.*; store "etcd:\/\/nohost"/ });
  });
});
