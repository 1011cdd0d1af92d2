import { Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/** The proxy's Prometheus registry: import it in every part that records metrics. */
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
