import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AuthenticationError, PermissionDeniedError, RetryLaterError } from '@packgate/auth';
import { PackageRefusal, RegistryError, classifyDependencyFailure } from '@packgate/registries/core';

export const BASIC_CHALLENGE = 'Basic realm="Packgate"';

/**
 * PyPI errors as pip and twine show them: plain text, the message also in the HTTP reason phrase
 * (twine prints it; warehouse `forklift/utils.py` does the same), one Basic challenge on 401 so pip
 * can retry with keyring/netrc credentials. A duplicate file is a 400 whose reason contains
 * "already exist" so `twine upload --skip-existing` passes over it.
 */
@Catch()
export class PypiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('PypiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const { status, message, retryAfter } = this.describe(exception);
    if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
    if (status === 401) res.setHeader('WWW-Authenticate', BASIC_CHALLENGE);
    if (exception instanceof RetryLaterError) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    res.statusMessage = reasonPhrase(message);
    res.status(status).type('text/plain; charset=utf-8').send(`${message}\n`);
  }

  private describe(exception: unknown): { status: number; message: string; retryAfter?: number } {
    if (exception instanceof AuthenticationError) {
      const reasons = Object.entries(exception.reasons).map(([method, reason]) => `${method}: ${reason}`);
      return { status: 401, message: `Invalid credentials (${reasons.join('; ')})` };
    }
    if (exception instanceof RetryLaterError) return { status: exception.status, message: exception.message };
    if (exception instanceof PermissionDeniedError) {
      return exception.anonymous ? { status: 401, message: 'Authentication required' } : { status: 403, message: `Forbidden: ${exception.reason}` };
    }
    if (exception instanceof PackageRefusal) {
      // pip only sends credentials after a challenge: an anonymous caller gets one whether the
      // project is private or missing.
      if (exception.kind === 'unauthenticated' || exception.anonymous) return { status: 401, message: 'Authentication required' };
      if (exception.kind === 'denied') return { status: 403, message: `Forbidden: ${exception.reason}` };
      return { status: 404, message: exception.missing === 'org' ? `Not Found: no org ${exception.target.org}` : `Not Found: no project ${exception.target.name} you may read in ${exception.target.org}` };
    }
    if (exception instanceof RegistryError) {
      if (exception.code === 'FILE_EXISTS') return { status: 400, message: exception.message };
      return { status: exception.status, message: exception.message };
    }
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
      return { status: exception.getStatus(), message };
    }
    const failure = classifyDependencyFailure(exception);
    if (failure) {
      this.logger.warn(`dependency failure answered ${failure.status}: ${String((exception as { code?: unknown })?.code ?? 'unknown')}`);
      return failure;
    }
    const status = (exception as { status?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) return { status, message: (exception as Error).message };
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { status: 500, message: 'Internal server error' };
  }
}

/** Node refuses non-Latin-1 and CR/LF in the status line: keep printable ASCII, bounded. */
export function reasonPhrase(message: string): string {
  const clean = message.replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, 200);
  return clean || 'Error';
}
