import { InterfaceAddress } from '../network/network.driver';

export interface Holder {
  id: string;
  name: string;
}

/**
 * Which container holds which weave address on this host, as attached by this process (rebuilt
 * by the controller's resync after a restart). Used to refuse a claim of an address that another
 * live container already has.
 */
export class AddressBook {
  private readonly byAddress = new Map<string, Holder>();
  private readonly byOwner = new Map<string, string[]>();

  holderOf(address: string): Holder | undefined {
    return this.byAddress.get(address);
  }

  record(holder: Holder, addresses: InterfaceAddress[]): void {
    this.forget(holder.id);
    const keys = addresses.map((a) => a.address);
    for (const k of keys) this.byAddress.set(k, holder);
    this.byOwner.set(holder.id, keys);
  }

  forget(id: string): void {
    for (const k of this.byOwner.get(id) ?? []) {
      if (this.byAddress.get(k)?.id === id) this.byAddress.delete(k);
    }
    this.byOwner.delete(id);
  }

  addressesOf(id: string): string[] {
    return this.byOwner.get(id) ?? [];
  }
}
