import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AuthenticationError, PermissionDeniedError, RetryLaterError } from '@packgate/auth';
import { PackageRefusal, RegistryError, classifyDependencyFailure } from '@packgate/registries/core';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

/**
 * REST errors as JSON `{statusCode, error, message}`. Format modules bind their own filters; this
 * one is the global default (REST API, health, metrics, unknown routes).
 */
@Catch()
export class RestExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('RestExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (exception instanceof AuthenticationError) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="Packgate"');
      res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: exception.message, reasons: exception.reasons });
      return;
    }
    if (exception instanceof RetryLaterError) {
      res.setHeader('Retry-After', String(exception.retryAfterSeconds));
      res.status(exception.status).json({ statusCode: exception.status, error: STATUS_TEXT[exception.status], message: exception.message });
      return;
    }
    if (exception instanceof PermissionDeniedError) {
      const status = exception.anonymous ? 401 : 403;
      if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="Packgate"');
      res.status(status).json({ statusCode: status, error: STATUS_TEXT[status], message: exception.reason });
      return;
    }
    if (exception instanceof PackageRefusal) {
      const status = exception.kind === 'unauthenticated' ? 401 : exception.kind === 'denied' ? 403 : 404;
      if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="Packgate"');
      const { org, type } = exception.target;
      const message = status === 404 ? (exception.missing === 'org' ? `no org ${org}` : `no ${type} package ${exception.label} in ${org}`) : exception.reason;
      res.status(status).json({ statusCode: status, error: STATUS_TEXT[status], message });
      return;
    }
    if (exception instanceof RegistryError) {
      res.status(exception.status).json({ statusCode: exception.status, error: STATUS_TEXT[exception.status] ?? 'Error', message: exception.message, code: exception.code });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      res.status(status).json(typeof body === 'string' ? { statusCode: status, error: STATUS_TEXT[status] ?? 'Error', message: body } : body);
      return;
    }
    const failure = classifyDependencyFailure(exception);
    if (failure) {
      this.logger.warn(`dependency failure answered ${failure.status}: ${describeCode(exception)}`);
      if (failure.retryAfter) res.setHeader('Retry-After', String(failure.retryAfter));
      res.status(failure.status).json({ statusCode: failure.status, error: STATUS_TEXT[failure.status], message: failure.message });
      return;
    }
    const status = httpStatusOf(exception);
    if (status) {
      res.status(status).json({ statusCode: status, error: STATUS_TEXT[status] ?? 'Error', message: (exception as Error).message });
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    res.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
  }
}

/** body-parser and similar middleware errors carry a 4xx `status`. */
export function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown; statusCode?: unknown })?.status ?? (error as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** The error's code for a log line (never its message: driver messages may carry query values). */
export function describeCode(error: unknown): string {
  const driver = (error as { driverError?: { code?: unknown } })?.driverError;
  return String(driver?.code ?? (error as { code?: unknown })?.code ?? (error as Error)?.name ?? 'unknown');
}
