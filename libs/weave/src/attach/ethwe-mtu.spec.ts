import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { containerInspect, FakeAddressAllocator, FakeDockerClient, FakeNetworkDriver, weaveOptions } from '../testing';
import { AttachService } from './attach.service';

async function vethMtuWith(mtu: number | undefined): Promise<number[]> {
  const driver = new FakeNetworkDriver();
  const docker = new FakeDockerClient();
  const service = new AttachService(docker.asClient(), driver, new FakeAddressAllocator(), weaveOptions({ mtu }));
  driver.addNetns(101);
  await service.attachInspected(containerInspect({ id: 'c1', pid: 101, weaveCidr: '10.2.1.1/24' }));
  return driver.vethMtus;
}

describe('ethwe MTU', () => {
  test('unset: the bridge\'s (the fake\'s bridge has 1376)', async () => assert.deepEqual(await vethMtuWith(undefined), [1376]));
  test('set (room for VXLAN): the option\'s, whatever the bridge has', async () => assert.deepEqual(await vethMtuWith(1450), [1450]));
});
