import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SESSION_COOKIE } from '@packgate/auth';
import type { PackgateConfig } from '../config/config';
import { packgateVersion } from '../config/version';

/** The OpenAPI document served at /api/docs-json, and the source of the generated API client types. */
export function buildOpenApiDocument(app: INestApplication, config: PackgateConfig): OpenAPIObject {
  return SwaggerModule.createDocument(
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
}
