import { vi } from 'vitest';

export interface Call {
  method: string;
  path: string;
  body: unknown;
}

interface Answer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Reply = Answer | ((call: Call) => Answer);

/**
 * Stubs `fetch` (the network boundary): routes are `"METHOD /path?query"` (query optional: a route
 * without one matches any query). Unknown requests answer 404 so a test notices them.
 */
export function mockApi(routes: Record<string, Reply>) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const call: Call = { method, path: url.pathname + url.search, body };
    calls.push(call);
    const reply = routes[`${method} ${url.pathname}${url.search}`] ?? routes[`${method} ${url.pathname}`];
    const resolved = typeof reply === 'function' ? reply(call) : reply;
    if (!resolved) return json(404, { statusCode: 404, error: 'Not Found', message: `no mock for ${method} ${call.path}` });
    return json(resolved.status ?? 200, resolved.body, resolved.headers);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock, find: (method: string, path: string) => calls.filter((c) => c.method === method && c.path.startsWith(path)) };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  if (status === 204 || body === undefined) return new Response(null, { status, headers });
  return new Response(JSON.stringify(body), { status, headers: { ...headers, 'Content-Type': 'application/json' } });
}
