import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express from 'express';
import { Logger } from 'nestjs-pino';
import { addressMatcher, clientAddressMiddleware, normalizeAddress, requestAddressScope } from '@packgate/auth';
import { AppModule } from './app.module';
import { PackgateConfig, parseSize } from './config/config';
import { protectDataDir } from './config/data-dir';
import { bodySizeGuard } from './http/body-size-guard';
import { refuseConnect } from './http/connect-refusal';
import { outlastClientKeepAlive } from './http/keep-alive';
import { resolveSecret } from './config/secret';
import { detectMysqlFlavor } from './database/data-source';
import { projectRoot } from './config/version';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { httpMetricsMiddleware } from './metrics/http-metrics';
import { QuietStartupLogger } from './logging/quiet-startup-logger';
import { restJsonBody } from './rest/json-body';
import { securityHeaders } from './security-headers';

/**
 * Builds the whole application (REST, registries, dashboard). Used by main.ts and by the tests, so
 * the server under test is the server that ships.
 */
export async function createApp(config: PackgateConfig): Promise<NestExpressApplication> {
  protectDataDir(config);
  const secret = resolveSecret(config);
  if (config.database.kind === 'mysql' && !config.database.flavor) config.database.flavor = await detectMysqlFlavor(config.database.url);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, secret), { bufferLogs: true, bodyParser: false });
  app.useLogger(new QuietStartupLogger(app.get(Logger)));
  app.disable('x-powered-by');
  app.set('etag', false);
  // Forwarding headers count only from PACKGATE_TRUSTED_PROXIES (none by default), for req.ip and
  // req.protocol as for clientIp() (caveats, throttling, audit).
  const trustedProxy = addressMatcher(config.trustedProxies);
  app.set('trust proxy', (address: string) => trustedProxy(normalizeAddress(address) ?? address));
  app.use(clientAddressMiddleware(config.trustedProxies));
  app.use(httpMetricsMiddleware);
  const headers = securityHeaders(() => config.publicUrl);
  app.use(headers.all);
  app.use('/api/docs', headers.swagger);
  // Only /api routes take the session cookie (browser-session.ts): registry requests skip parsing it.
  app.use('/api', cookieParser());
  // Registry routes parse their own bodies (streams, multipart, large JSON); REST gets bounded JSON.
  app.use('/api', bodySizeGuard(parseSize('PACKGATE_REST_BODY_LIMIT', config.restBodyLimit, 1024 * 1024)));
  app.use('/api', ...restJsonBody(config.restBodyLimit));
  app.use(requestAddressScope);
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  setupSwagger(app, config);
  serveDashboard(app);
  refuseConnect(app.getHttpServer());
  outlastClientKeepAlive(app.getHttpServer());
  return app;
}

function setupSwagger(app: NestExpressApplication, config: PackgateConfig): void {
  const document = buildOpenApiDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
    swaggerOptions: { persistAuthorization: true, withCredentials: true, validatorUrl: null },
    // The public URL as it is now (tests learn their port after the app is built).
    patchDocumentOnRequest: (_req, _res, doc) => ({ ...doc, servers: [{ url: config.publicUrl }] }),
  });
}

/**
 * The dashboard build: `/` (index.html) and its hashed `/assets/*`. Mounted on those paths only,
 * so registry requests never pay for a file-system lookup.
 */
function serveDashboard(app: NestExpressApplication): void {
  const dist = path.join(projectRoot(), 'apps', 'dashboard', 'dist');
  const index = path.join(dist, 'index.html');
  if (!fs.existsSync(index)) return;
  app.use('/assets', express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && (req.path === '/' || req.path === '/index.html')) {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
      return;
    }
    next();
  });
}
