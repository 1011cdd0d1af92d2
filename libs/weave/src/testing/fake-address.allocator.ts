import { Ipv4Address, Ipv4Cidr } from '@app/common';
import { AcquireMeta, AddressAllocator } from '../attach/address.allocator';
import { AddressInUseError } from '../attach/attach.errors';
import { WeaveCidrRequest, formatCidr } from '../cidr/weave-cidr.parser';
import { InterfaceAddress } from '../network/network.driver';
import { parseCidr } from './fake-host.network';

const POOL = '10.32.0.0/12';

/**
 * An AddressAllocator with IPAM's contract and none of its machinery: claims are granted as
 * asked; an allocation takes an address already on ethwe (`meta.current`) that fits and nobody
 * else holds, else the next one of 10.32.0.0/12; asking again returns what the owner holds;
 * release drops everything it holds. Tests read `holdings` to see what is allocated.
 */
export class FakeAddressAllocator implements AddressAllocator {
  private readonly held = new Map<string, InterfaceAddress[]>();
  private readonly failures: Error[] = [];
  private readonly names = new Map<string, string>();
  private next = 1;

  /** Seeds a holding (IPAM's durable state, e.g. from before a proxy restart). */
  hold(owner: string, cidrs: string[]): this {
    this.held.set(owner, cidrs.map(parseCidr));
    return this;
  }

  holdings(owner: string): string[] {
    return (this.held.get(owner) ?? []).map((a) => formatCidr(a.address, a.prefixLength));
  }

  owners(): string[] {
    return [...this.held.keys()].sort();
  }

  failNextAcquire(error: Error): this {
    this.failures.push(error);
    return this;
  }

  async acquire(owner: string, requests: WeaveCidrRequest[], meta: AcquireMeta = {}): Promise<InterfaceAddress[]> {
    const err = this.failures.shift();
    if (err) throw err;
    const have = this.held.get(owner);
    if (have) return have.map((a) => ({ ...a }));
    for (const r of requests) if (r.kind === 'claim') await this.refuseHeld(owner, r.address, r.prefixLength, meta);
    const granted: InterfaceAddress[] = [];
    for (const r of requests) {
      if (r.kind === 'claim') granted.push({ address: r.address, prefixLength: r.prefixLength });
      else granted.push(this.reuse(r.subnet ?? POOL, meta.current ?? [], granted) ?? this.fresh(granted));
    }
    this.held.set(owner, granted);
    if (meta.name !== undefined) this.names.set(owner, meta.name);
    return granted.map((a) => ({ ...a }));
  }

  async release(owner: string): Promise<void> {
    this.held.delete(owner);
  }

  // IPAM's rule: one owner per address; a holder that `meta.stale` declares stopped loses it.
  private async refuseHeld(owner: string, address: string, prefixLength: number, meta: AcquireMeta): Promise<void> {
    const holder = [...this.held].find(([o, addrs]) => o !== owner && addrs.some((a) => a.address === address))?.[0];
    if (holder === undefined) return;
    if (!meta.stale || !(await meta.stale(holder))) {
      throw new AddressInUseError(formatCidr(address, prefixLength), this.names.get(holder) ?? holder);
    }
    this.held.set(holder, (this.held.get(holder) ?? []).filter((a) => a.address !== address));
  }

  private reuse(subnet: string, current: InterfaceAddress[], granted: InterfaceAddress[]): InterfaceAddress | undefined {
    const range = Ipv4Cidr.parse(subnet);
    const taken = this.taken(granted);
    const fit = current.find((a) => !taken.has(a.address) && range.contains(Ipv4Address.parse(a.address)));
    return fit && { address: fit.address, prefixLength: range.prefixLength };
  }

  private fresh(granted: InterfaceAddress[]): InterfaceAddress {
    const taken = this.taken(granted);
    let address: string;
    do address = `10.32.0.${this.next++}`;
    while (taken.has(address));
    return { address, prefixLength: 12 };
  }

  private taken(granted: InterfaceAddress[]): Set<string> {
    return new Set([...this.held.values(), granted].flat().map((a) => a.address));
  }
}
