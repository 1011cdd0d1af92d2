import { after, before } from 'node:test';
import { DockerFaults, startDockerFaults } from './docker.faults';
import { removeRunContainers } from './names';
import { ProxyHandle, startProxy } from './proxy.harness';
import { makeStateDir, removeStateDir } from './weave.helpers';

/** What a describe block behind a fault-injecting dockerd front works with. */
export interface FaultyDockerFixture {
  readonly faults: DockerFaults;
  readonly stateDir: string;
  /** The proxy startProxy started (throws before). */
  readonly proxy: ProxyHandle;
  /** Starts a proxy with `--state-dir <stateDir>` plus `args`, talking to dockerd through the faults. */
  startProxy(args: string[]): Promise<ProxyHandle>;
}

/**
 * Registers, in the calling describe block, a DockerFaults front and a state dir (before) and
 * their teardown (after): held requests are released first, so that the test's containers, the
 * proxy, the front and the state dir all go, in that order, whatever the test left stalled.
 */
export function faultyDocker(label: string): FaultyDockerFixture {
  let faults: DockerFaults | undefined;
  let stateDir: string | undefined;
  let proxy: ProxyHandle | undefined;
  before(async () => {
    stateDir = makeStateDir(label);
    faults = await startDockerFaults();
  });
  after(async () => {
    faults?.release();
    await removeRunContainers();
    await proxy?.stop();
    await faults?.close();
    removeStateDir(stateDir);
  });
  return {
    get faults() {
      if (!faults) throw new Error('faultyDocker: used before its before() hook ran');
      return faults;
    },
    get stateDir() {
      return stateDir as string;
    },
    get proxy() {
      if (!proxy) throw new Error('faultyDocker: no proxy started yet');
      return proxy;
    },
    async startProxy(args) {
      proxy = await startProxy(['--state-dir', stateDir as string, ...args], { dockerHost: this.faults.url });
      return proxy;
    },
  };
}
