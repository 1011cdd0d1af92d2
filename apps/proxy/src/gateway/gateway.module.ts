import { Module } from '@nestjs/common';
import { ControllerModule } from '../controller/controller.module';
import { GatewayService } from './gateway.service';
import { ChangesInterceptor } from './interceptors/changes.interceptor';
import { CreateInterceptor } from './interceptors/create.interceptor';
import { ExecInterceptor } from './interceptors/exec.interceptor';
import { InspectInterceptor } from './interceptors/inspect.interceptor';
import { StartInterceptor } from './interceptors/start.interceptor';
import { INTERCEPTORS, Interceptor } from './route.table';
import { PROXY_CONFIG } from '../config/config.tokens';
import { ProxyConfig } from '../config/proxy.config';

@Module({
  imports: [ControllerModule],
  providers: [
    GatewayService,
    CreateInterceptor,
    StartInterceptor,
    ExecInterceptor,
    InspectInterceptor,
    ChangesInterceptor,
    {
      provide: INTERCEPTORS,
      useFactory: (config: ProxyConfig, ...interceptors: Interceptor[]) =>
        interceptors.filter((i) => config.rewriteInspect || !(i instanceof InspectInterceptor)),
      inject: [PROXY_CONFIG, CreateInterceptor, StartInterceptor, ExecInterceptor, InspectInterceptor, ChangesInterceptor],
    },
  ],
  exports: [GatewayService],
})
export class GatewayModule {}
