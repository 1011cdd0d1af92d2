import { CommandError, CommandRunner } from '@app/weave';

/** The host's own addresses on the weave bridge (`weave expose`). A port: iproute2 in production. */
export interface BridgeAddresses {
  /** Adds `cidr` (`10.2.1.3/24`) to `bridge`; already there is fine. Rejects with `CommandError`. */
  add(bridge: string, cidr: string): Promise<void>;
  /** Removes `cidr` from `bridge`; not there is fine. Rejects with `CommandError`. */
  remove(bridge: string, cidr: string): Promise<void>;
}

/**
 * `ip addr add|del CIDR dev BRIDGE`; the kernel's "already assigned" / "not found" (older iproute2:
 * "File exists" / "Cannot assign requested address") mean done already.
 */
export class IprouteBridgeAddresses implements BridgeAddresses {
  constructor(private readonly cmd: CommandRunner) {}

  async add(bridge: string, cidr: string): Promise<void> {
    await this.cmd.run('ip', ['addr', 'add', cidr, 'dev', bridge]).catch(unless(/File exists|Address already assigned/));
  }

  async remove(bridge: string, cidr: string): Promise<void> {
    await this.cmd.run('ip', ['addr', 'del', cidr, 'dev', bridge]).catch(unless(/Cannot assign requested address|Address not found/));
  }
}

function unless(done: RegExp): (err: unknown) => void {
  return (err) => {
    if (!(err instanceof CommandError && done.test(err.stderr))) throw err;
  };
}

/** In memory, for unit tests: bridge name -> its CIDRs. */
export class FakeBridgeAddresses implements BridgeAddresses {
  readonly bridges = new Map<string, Set<string>>();

  async add(bridge: string, cidr: string): Promise<void> {
    if (!this.bridges.has(bridge)) this.bridges.set(bridge, new Set());
    this.bridges.get(bridge)!.add(cidr);
  }

  async remove(bridge: string, cidr: string): Promise<void> {
    this.bridges.get(bridge)?.delete(cidr);
  }
}
