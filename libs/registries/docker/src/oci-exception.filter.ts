import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthenticationError, PermissionDeniedError, RetryLaterError } from '@packgate/auth';
import { RegistryError, classifyDependencyFailure } from '@packgate/registries/core';
import { METHOD_ACTIONS } from './auth/repository-access.service';
import { DOCKER_OPTIONS, DockerOptions } from './docker-options';
import { OciAccessError, OciCode, OciError } from './errors';
import { parseRoute } from './wire/names';

/**
 * Writes every error of the `/v2` routes in the OCI envelope `{"errors":[{code,message,detail}]}`
 * (distribution-spec "Error Codes"; distribution `registry/api/errcode/handler.go`). A 401 carries
 * exactly one challenge — `Bearer realm="<public url>/v2/token",service="…",scope="…"` — because
 * several challenges in one header break clients (Gitea container/errors.go). Also catches the auth
 * guard's AuthenticationError (wrong credentials). Bad input is never a 500.
 */
@Catch()
export class OciExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OciExceptionFilter');

  constructor(@Inject(DOCKER_OPTIONS) private readonly options: DockerOptions) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const error = this.toOciError(exception, req);
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    if (error.status === 401) res.setHeader('WWW-Authenticate', this.challenge(req, error));
    // A refused upload may leave an unread body: close the connection instead of draining it.
    if (!req.complete && error.status >= 400) res.setHeader('Connection', 'close');
    const message = error.status === 401 ? `${error.message}: ${this.loginHint()}` : error.message;
    const body = { errors: [{ code: error.code, message, ...(error.detail !== undefined ? { detail: error.detail } : {}) }] };
    res.status(error.status).type('application/json').send(req.method === 'HEAD' ? undefined : JSON.stringify(body));
  }

  private toOciError(exception: unknown, req: Request): OciError {
    if (exception instanceof OciError) return exception;
    if (exception instanceof RetryLaterError) {
      return new OciError(exception.status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE', exception.message, undefined, { headers: { 'Retry-After': String(exception.retryAfterSeconds) } });
    }
    if (exception instanceof AuthenticationError) return new OciError('UNAUTHORIZED', exception.message, { reasons: exception.reasons });
    if (exception instanceof PermissionDeniedError) return new OciError(exception.anonymous ? 'UNAUTHORIZED' : 'DENIED', exception.reason);
    if (exception instanceof RegistryError) return fromRegistryError(exception);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return new OciError(status === 404 ? 'NOT_FOUND' : 'UNSUPPORTED', exception.message, undefined, { status });
    }
    const code = (exception as { code?: string })?.code;
    if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (exception as Error)?.message === 'aborted') {
      return new OciError('BLOB_UPLOAD_INVALID', 'request body ended early');
    }
    const failure = classifyDependencyFailure(exception);
    if (failure) {
      this.logger.warn(`${req.method} ${req.path}: dependency failure answered ${failure.status}: ${String(code ?? 'unknown')}`);
      return new OciError('UNAVAILABLE', failure.message, undefined, { status: failure.status, headers: failure.retryAfter ? { 'Retry-After': String(failure.retryAfter) } : {} });
    }
    this.logger.error(`${req.method} ${req.path}: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`);
    return new OciError('UNKNOWN', 'internal error', undefined, { status: 500 });
  }

  /** docker, podman and skopeo print the message of a 401; anonymous pulls of private images land here. */
  private loginHint(): string {
    const host = new URL(this.options.publicUrl()).host;
    return `log in first (docker login ${host}, user name and an access token with role docker:read to pull, docker:write to push)`;
  }

  private challenge(req: Request, error: OciError): string {
    const realm = `${this.options.publicUrl()}/v2/token`;
    const parts = [`realm="${realm}"`, `service="${this.options.service}"`];
    const scope = error instanceof OciAccessError ? error.scope : scopeOfRequest(req);
    if (scope) parts.push(`scope="${scope}"`);
    if (error instanceof OciAccessError && error.insufficientScope) parts.push('error="insufficient_scope"');
    else if (/^\s*bearer\s/i.test(req.headers.authorization ?? '') && !(error instanceof OciAccessError)) parts.push('error="invalid_token"');
    return `Bearer ${parts.join(',')}`;
  }
}

/** The scope a request needs, from its path and method (for 401s raised before the handler ran). */
function scopeOfRequest(req: Request): string | undefined {
  const match = /^\/v2\/(.+)$/.exec(req.path);
  if (!match || match[1] === 'token' || match[1] === '_catalog') return match?.[1] === '_catalog' ? 'registry:catalog:*' : undefined;
  try {
    const route = parseRoute(match[1]);
    const actions = METHOD_ACTIONS[req.method];
    return route && actions ? `repository:${route.repo.name}:${actions.join(',')}` : undefined;
  } catch {
    return undefined;
  }
}

function fromRegistryError(error: RegistryError): OciError {
  const byCode: Record<string, OciCode> = { DIGEST_MISMATCH: 'DIGEST_INVALID', PAYLOAD_TOO_LARGE: 'SIZE_INVALID' };
  const code: OciCode = byCode[error.code] ?? (error.status === 404 ? 'BLOB_UNKNOWN' : error.status === 413 ? 'SIZE_INVALID' : 'BLOB_UPLOAD_INVALID');
  return new OciError(code, error.message, undefined, { status: error.status });
}
