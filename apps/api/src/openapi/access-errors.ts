import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, ReferenceObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const ERROR = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorDto' } } };

const RESPONSES: Record<string, string> = {
  '401': 'Not authenticated: no session cookie or access token, or it is invalid or expired',
  '403': 'Authenticated, but the caller lacks the role this operation needs',
  '404': 'Not found (or not visible to the caller)',
};

/** Path parameters prefilled in Try it out with values that exist on a fresh install. */
const PARAMETER_EXAMPLES: Record<string, string> = { org: 'default' };

/**
 * Every authenticated operation answers 401 and 403 (and 404 when its path names something), so
 * Swagger UI shows them instead of "Undocumented". Operations without `security` are public.
 */
export function documentAccessErrors(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method] as OperationObject | undefined;
      if (!operation) continue;
      for (const parameter of operation.parameters ?? []) {
        if (isParameter(parameter) && parameter.in === 'path' && parameter.example === undefined && PARAMETER_EXAMPLES[parameter.name]) parameter.example = PARAMETER_EXAMPLES[parameter.name];
      }
      if (!operation.security || operation.security.length === 0) continue;
      const codes = path.includes('{') ? ['401', '403', '404'] : ['401', '403'];
      for (const code of codes) operation.responses[code] ??= { description: RESPONSES[code], content: ERROR };
    }
  }
  return document;
}

function isParameter(value: ParameterObject | ReferenceObject): value is ParameterObject {
  return !('$ref' in value);
}
