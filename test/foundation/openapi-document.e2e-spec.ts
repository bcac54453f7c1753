import { ApiClient } from '../support/http';
import { TestServer, forEachDatabase, startServer } from '../support/server';

/** Operations anyone may call: they never answer 401 for missing credentials. */
const PUBLIC = ['POST /api/v1/auth/login', 'POST /api/v1/auth/logout', 'GET /api/v1/info', 'POST /api/v1/tokens/inspect', 'POST /api/v1/orgs/{org}/oidc/token'];

interface Operation {
  security?: unknown[];
  responses: Record<string, unknown>;
  parameters?: { name: string; in: string; example?: string }[];
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> };
}

forEachDatabase('OpenAPI document (Swagger UI)', (database) => {
  let server: TestServer;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, { description?: string }> }; info: { description: string } };

  beforeAll(async () => {
    server = await startServer({ database });
    doc = (await new ApiClient(server.url).get('/api/docs-json')).body;
  });
  afterAll(() => server?.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })));

  it('documents 401 and 403 on every /api/v1 operation except the public ones', () => {
    const ops = operations().filter((o) => o.path.startsWith('/api/v1/'));
    expect(ops.length).toBeGreaterThan(20);
    for (const publicOp of PUBLIC) expect(ops.map((o) => o.key)).toContain(publicOp);
    const missing = ops.filter((o) => !PUBLIC.includes(o.key)).filter((o) => !o.op.responses['401'] || !o.op.responses['403']);
    expect(missing.map((o) => o.key)).toEqual([]);
    const undocumented404 = ops.filter((o) => !PUBLIC.includes(o.key) && o.path.includes('{') && !o.op.responses['404']);
    expect(undocumented404.map((o) => o.key)).toEqual([]);
  });

  it('the documented 401 is what an anonymous caller gets', async () => {
    const anon = new ApiClient(server.url);
    for (const { key, path, method } of operations().filter((o) => o.path.startsWith('/api/v1/') && !PUBLIC.includes(o.key))) {
      const url = path.replace(/\{org\}/g, 'default').replace(/\{type\}/g, 'pypi').replace(/\{[^}]+\}/g, 'x');
      const res = await anon.request(method.toUpperCase(), url, ['get', 'delete'].includes(method) ? undefined : {});
      expect(`${key} → ${res.status}`).toBe(`${key} → 401`);
    }
  });

  it('explains the session cookie instead of offering a field nobody can fill', () => {
    expect(doc.components.securitySchemes.cookie.description).toMatch(/HttpOnly/);
    expect(doc.info.description).toMatch(/Try it out/);
    expect(doc.info.description).toMatch(/[Cc]ross-origin/);
  });

  it('the token-create examples work on a fresh install', async () => {
    const admin = await ApiClient.login(server);
    const create = doc.paths['/api/v1/orgs/{org}/tokens'].post;
    expect(create.parameters?.find((p) => p.name === 'org')?.example).toBe('default');
    const examples = Object.values(create.requestBody?.content['application/json'].examples ?? {});
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const res = await admin.post('/api/v1/orgs/default/tokens', example.value);
      expect(res.status).toBe(201);
    }
  });
});
