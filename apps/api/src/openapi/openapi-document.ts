import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SESSION_COOKIE } from '@packgate/auth';
import type { PackgateConfig } from '../config/config';
import { packgateVersion } from '../config/version';
import { ErrorDto } from '../rest/dto';
import { documentAccessErrors } from './access-errors';

const DESCRIPTION = [
  'Management API of Packgate. Registry protocols (PyPI, npm, Docker) live outside /api and are not listed here.',
  '',
  'Two ways to authenticate:',
  '',
  '- **Dashboard session.** Run `POST /api/v1/auth/login` with *Try it out* (on a fresh install: user `admin`, org `default`). The answer sets an HttpOnly session cookie in this browser, and every later *Try it out* sends it by itself. Nothing needs to be typed into *Authorize* for it: the `cookie` scheme there only says the API accepts the session, and a browser cannot set a cookie from that field. Cross-origin rules apply: the session only works from pages served by this Packgate (like this one); requests from other sites are refused.',
  '- **Access token** holding role `api`: *Authorize* → `bearer`, paste the `pgt_…` secret.',
  '',
  '401 means no or no valid credentials; 403 means the caller is known but lacks the role (org roles such as `org:admin`, format roles such as `pypi:read`, or package roles such as `pypi:demo-pkg:read`).',
].join('\n');

/** The OpenAPI document served at /api/docs-json, and the source of the generated API client types. */
export function buildOpenApiDocument(app: INestApplication, config: PackgateConfig): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Packgate REST API')
      .setDescription(DESCRIPTION)
      .setVersion(packgateVersion())
      .addServer(config.publicUrl)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'pgt_ macaroon', description: 'Access token with role api' })
      .addCookieAuth(SESSION_COOKIE, {
        type: 'apiKey',
        in: 'cookie',
        name: SESSION_COOKIE,
        description: 'HttpOnly session cookie, set by POST /api/v1/auth/login (use Try it out there). Leave this field empty: the browser sends the cookie by itself.',
      })
      .build(),
    { extraModels: [ErrorDto] },
  );
  return documentAccessErrors(document);
}
