import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { register } from 'prom-client';
import { collectProcessMetrics } from './process-metrics';

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor() {
    collectProcessMetrics();
  }

  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
