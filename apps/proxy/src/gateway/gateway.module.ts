import { Module } from '@nestjs/common';
import { ControllerModule } from '../controller/controller.module';
import { GatewayService } from './gateway.service';
import { CreateInterceptor } from './interceptors/create.interceptor';
import { ExecInterceptor } from './interceptors/exec.interceptor';
import { StartInterceptor } from './interceptors/start.interceptor';
import { INTERCEPTORS } from './route.table';

@Module({
  imports: [ControllerModule],
  providers: [
    GatewayService,
    CreateInterceptor,
    StartInterceptor,
    ExecInterceptor,
    {
      provide: INTERCEPTORS,
      useFactory: (...interceptors: unknown[]) => interceptors,
      inject: [CreateInterceptor, StartInterceptor, ExecInterceptor],
    },
  ],
  exports: [GatewayService],
})
export class GatewayModule {}
