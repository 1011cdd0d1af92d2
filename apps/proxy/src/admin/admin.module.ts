import { Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ControllerModule } from '../controller/controller.module';
import { ListenModule } from '../listen/listen.module';
import { AdminErrorFilter } from './admin-error.filter';
import { AdminController } from './admin.controller';
import { StatusService } from './status.service';

@Module({
  imports: [ListenModule, ControllerModule],
  controllers: [AdminController],
  providers: [
    StatusService,
    { provide: APP_FILTER, useClass: AdminErrorFilter },
    { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }) },
  ],
})
export class AdminModule {}
