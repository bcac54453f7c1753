import express from 'express';
import { MAX_JSON_DEPTH, jsonNestedDeeperThan } from '@packgate/registries/core';

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 413: 'Payload Too Large', 415: 'Unsupported Media Type' };

/** A body-carrying request whose Content-Type is not JSON: never parsed, never reaches a handler. */
function requireJson(req: express.Request, _res: express.Response, next: express.NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody || req.is('application/json')) return next();
  next(Object.assign(new Error('request body must be JSON (Content-Type: application/json)'), { status: 415, expose: true }));
}

/** Runs on the raw bytes before JSON.parse, so a deeply nested body costs one linear scan. */
function verifyDepth(_req: unknown, _res: unknown, buffer: Buffer): void {
  if (jsonNestedDeeperThan(buffer)) throw Object.assign(new Error(`request body is nested deeper than ${MAX_JSON_DEPTH} levels`), { status: 400, expose: true });
}

/**
 * Body-parser errors come from middleware, outside Nest's exception filters: answer them here in
 * the REST error format `{statusCode, error, message}` instead of Express's HTML page.
 */
function restBodyError(error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction): void {
  const status = (error as { status?: unknown })?.status;
  if (typeof status !== 'number' || status < 400 || status >= 500 || res.headersSent) return next(error);
  // JSON.parse messages quote the body (which may hold a password): never echo them.
  const type = (error as { type?: unknown }).type;
  const message = type === 'entity.parse.failed' ? 'request body is not valid JSON' : (error as { expose?: unknown }).expose === true ? (error as Error).message : 'invalid request body';
  res.status(status).json({ statusCode: status, error: STATUS_TEXT[status] ?? 'Error', message });
}

/** The REST API's body handling: JSON only, at most `limit`, nested at most MAX_JSON_DEPTH levels. */
export function restJsonBody(limit: string): express.RequestHandler[] {
  return [requireJson, express.json({ limit, verify: verifyDepth }), restBodyError as unknown as express.RequestHandler];
}
