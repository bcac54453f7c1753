import type { Request } from 'express';
import { LINK_TOKEN_PARAM } from '../decorators/accepts-link-token.decorator';
import { clientIp } from '../network/client-address';
import { PresentedCredentials, parseAuthorization } from './credentials';

/** What the matched route says about credentials (its decorators), read by the auth group guard. */
export interface RouteAuthRules {
  /** @AcceptsLinkToken(): `?auth_token=` is a credential on GET/HEAD. */
  acceptsLinkToken: boolean;
  /** Why this route refuses a user name and password (its format takes tokens only), if it does. */
  passwordRefusal?: string;
}

/**
 * Everything the strategies may know about one request's credentials, parsed once: the
 * Authorization header, the link token if the route takes one, the route's password rule and the
 * client address. Strategies read it; nothing writes to the Express request.
 */
export interface AuthContext {
  readonly credentials: PresentedCredentials;
  /** The `?auth_token=` value, only on routes that accept link tokens, GET/HEAD, without an Authorization header. */
  readonly linkToken: string | undefined;
  readonly passwordRefusal: string | undefined;
  readonly ip: string | undefined;
}

const NO_RULES: RouteAuthRules = { acceptsLinkToken: false };
const contexts = new WeakMap<Request, AuthContext>();

/** Built by the auth group guard from the route's metadata, before any strategy runs. */
export function createAuthContext(req: Request, rules: RouteAuthRules): AuthContext {
  const credentials = parseAuthorization(req.headers.authorization);
  const context: AuthContext = {
    credentials,
    linkToken: rules.acceptsLinkToken ? linkTokenOf(req, credentials) : undefined,
    passwordRefusal: rules.passwordRefusal,
    ip: clientIp(req),
  };
  contexts.set(req, context);
  return context;
}

/** The request's context; outside the guard (a controller reading the header) one without route rules. */
export function authContextOf(req: Request): AuthContext {
  return contexts.get(req) ?? createAuthContext(req, NO_RULES);
}

function linkTokenOf(req: Request, credentials: PresentedCredentials): string | undefined {
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  if (credentials.scheme !== 'none') return undefined;
  const value = (req.query as Record<string, unknown> | undefined)?.[LINK_TOKEN_PARAM];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The parsed Authorization header of this request. */
export function readCredentials(req: Request): PresentedCredentials {
  return authContextOf(req).credentials;
}
