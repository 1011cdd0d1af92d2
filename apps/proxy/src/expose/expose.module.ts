import { Module } from '@nestjs/common';
import { SpawnCommandRunner } from '@app/weave';
import { IpamAdapterModule } from '../ipam/ipam-adapter.module';
import { IprouteBridgeAddresses } from './bridge.addresses';
import { BRIDGE_ADDRESSES, ExposeService } from './expose.service';

/** `weave expose` / `weave hide`: the host's own addresses on the weave bridge, leased from IPAM. */
@Module({
  imports: [IpamAdapterModule],
  providers: [{ provide: BRIDGE_ADDRESSES, useFactory: () => new IprouteBridgeAddresses(new SpawnCommandRunner()) }, ExposeService],
  exports: [ExposeService],
})
export class ExposeModule {}
