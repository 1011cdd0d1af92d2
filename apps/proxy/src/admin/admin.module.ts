import { Module } from '@nestjs/common';
import { ListenModule } from '../listen/listen.module';
import { AdminController } from './admin.controller';
import { StatusService } from './status.service';

@Module({
  imports: [ListenModule],
  controllers: [AdminController],
  providers: [StatusService],
})
export class AdminModule {}
