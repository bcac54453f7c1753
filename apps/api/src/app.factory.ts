import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express from 'express';
import { Logger } from 'nestjs-pino';
import { SESSION_COOKIE, addressMatcher, clientAddressMiddleware, normalizeAddress } from '@packgate/auth';
import { AppModule } from './app.module';
import { PackgateConfig, parseSize } from './config/config';
import { protectDataDir } from './config/data-dir';
import { bodySizeGuard } from './http/body-size-guard';
import { refuseConnect } from './http/connect-refusal';
import { resolveSecret } from './config/secret';
import { detectMysqlFlavor } from './database/data-source';
import { packgateVersion, projectRoot } from './config/version';
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
  app.use(cookieParser());
  // Registry routes parse their own bodies (streams, multipart, large JSON); REST gets bounded JSON.
  app.use('/api', bodySizeGuard(parseSize('PACKGATE_REST_BODY_LIMIT', config.restBodyLimit, 1024 * 1024)));
  app.use('/api', ...restJsonBody(config.restBodyLimit));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  setupSwagger(app, config);
  serveDashboard(app);
  refuseConnect(app.getHttpServer());
  return app;
}

function setupSwagger(app: NestExpressApplication, config: PackgateConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Packgate REST API')
      .setDescription(
        'Management API of Packgate. Authenticate with the dashboard session (POST /api/v1/auth/login sets the cookie; Swagger UI sends it) or with an access token holding role `api` (Bearer). Registry protocols (PyPI, npm, Docker) live outside /api and are not listed here.',
      )
      .setVersion(packgateVersion())
      .addServer(config.publicUrl)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'pgt_ macaroon', description: 'Access token with role api' })
      .addCookieAuth(SESSION_COOKIE, { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Dashboard session from POST /api/v1/auth/login' })
      .build(),
  );
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
