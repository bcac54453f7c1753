import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthenticationError, PermissionDeniedError, RetryLaterError } from '@packgate/auth';
import { PackageRefusal, PayloadTooLargeError, RegistryError, answerAfterDrain, classifyDependencyFailure } from '@packgate/registries/core';
import { tokenHint } from './npm-errors';
import { registryUrl } from './wire/npm-urls';

/**
 * npm's error dialect: `{"error": "..."}` with the status npm expects. npm prints
 * `<status> <statusText> - <METHOD> <url> - <error>` (npm-registry-fetch check-response.js).
 *
 * 401s carry NO `WWW-Authenticate` header on purpose: with one, npm replaces our message by
 * "Unable to authenticate, need: <header>" (check-response.js, error-message.js), so the user would
 * never read why. Messages never contain secrets (tokens are masked by the auth layer).
 */
@Catch()
export class NpmExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('NpmExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (exception instanceof RetryLaterError) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    const failure = classifyDependencyFailure(exception);
    if (failure) {
      this.logger.warn(`dependency failure answered ${failure.status}: ${String((exception as { code?: unknown })?.code ?? 'unknown')}`);
      if (failure.retryAfter) res.setHeader('Retry-After', String(failure.retryAfter));
      res.status(failure.status).json({ error: failure.message });
      return;
    }
    const [status, error] = this.describe(exception, req);
    if (exception instanceof PayloadTooLargeError) {
      answerAfterDrain(req, () => res.status(status).json({ error }));
      return;
    }
    res.status(status).json({ error });
  }

  private describe(exception: unknown, req: Request): [number, string] {
    if (exception instanceof AuthenticationError) {
      const reasons = Object.entries(exception.reasons).map(([method, reason]) => `${method}: ${reason}`);
      return [401, `authentication failed (${reasons.join('; ')}); ${tokenHint(registryUrlOf(req))}`];
    }
    if (exception instanceof RetryLaterError) return [exception.status, exception.message];
    if (exception instanceof PermissionDeniedError) {
      if (exception.anonymous) return [401, `authentication required: ${tokenHint(registryUrlOf(req))}`];
      return [403, `forbidden: ${exception.reason}`];
    }
    if (exception instanceof PackageRefusal) {
      if (exception.kind === 'unauthenticated') return [401, `authentication required: ${tokenHint(registryUrlOf(req))}`];
      if (exception.kind === 'denied') return [403, `forbidden: ${exception.reason}`];
      return [404, exception.missing === 'org' ? `no npm registry at /${exception.target.org.slice(0, 64)}/npm/` : `package ${exception.label} not found`];
    }
    if (exception instanceof RegistryError) return [exception.status, exception.message];
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      return [exception.getStatus(), Array.isArray(message) ? message.join('; ') : String(message)];
    }
    const status = (exception as { status?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) return [status, (exception as Error).message];
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return [500, 'internal error'];
  }
}

function registryUrlOf(req: Request): string {
  const org = typeof req.params?.org === 'string' ? req.params.org : 'ORG';
  return registryUrl(`${req.protocol}://${req.get('host') ?? 'HOST'}`, org);
}
