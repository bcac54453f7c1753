import * as http from 'node:http';
import * as https from 'node:https';

export class FetchFailed extends Error {}

export interface BoundedFetchOptions {
  /** Whole request, connection included. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
}

/**
 * GET a JSON document from an OIDC issuer with hard bounds: one deadline for connect + response,
 * a size limit (the body is abandoned as soon as it passes it), and redirects followed only within
 * the same origin. Errors say what went wrong, without the body.
 */
export async function fetchJson(url: string, options: BoundedFetchOptions): Promise<unknown> {
  const origin = new URL(url).origin;
  let current = url;
  for (let hop = 0; ; hop++) {
    const answer = await getOnce(current, options);
    if (answer.kind === 'body') {
      try {
        return JSON.parse(answer.body.toString('utf8'));
      } catch {
        throw new FetchFailed(`${current} is not JSON`);
      }
    }
    if (hop >= (options.maxRedirects ?? 3)) throw new FetchFailed(`${url}: too many redirects`);
    const next = new URL(answer.location, current);
    if (next.origin !== origin) throw new FetchFailed(`${current} redirects to another origin (${next.origin}); not followed`);
    current = next.toString();
  }
}

function getOnce(url: string, options: BoundedFetchOptions): Promise<{ kind: 'body'; body: Buffer } | { kind: 'redirect'; location: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
    if (!client) return reject(new FetchFailed(`${url}: only http(s) is fetched`));
    let settled = false;
    const request = client.get(target, { headers: { accept: 'application/json' }, timeout: options.timeoutMs });
    // Every way out goes through here once: the timer is cleared and the connection dropped.
    const finish = (outcome: { error: Error } | { value: { kind: 'body'; body: Buffer } | { kind: 'redirect'; location: string } }) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.destroy();
      if ('error' in outcome) reject(outcome.error instanceof FetchFailed ? outcome.error : new FetchFailed(`${url}: ${outcome.error.message}`));
      else resolve(outcome.value);
    };
    const deadline = setTimeout(() => finish({ error: new FetchFailed(`${url}: no answer within ${options.timeoutMs} ms`) }), options.timeoutMs);
    request.on('timeout', () => finish({ error: new FetchFailed(`${url}: no answer within ${options.timeoutMs} ms`) }));
    request.on('error', (error) => finish({ error }));
    request.on('response', (response) => {
      response.on('error', (error) => finish({ error }));
      const status = response.statusCode ?? 0;
      if ([301, 302, 303, 307, 308].includes(status) && response.headers.location) return finish({ value: { kind: 'redirect', location: response.headers.location } });
      if (status !== 200) return finish({ error: new FetchFailed(`${url} answered ${status}`) });
      const tooLarge = () => finish({ error: new FetchFailed(`${url} is larger than ${options.maxBytes} bytes`) });
      if (Number(response.headers['content-length'] ?? NaN) > options.maxBytes) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) return tooLarge();
        chunks.push(chunk);
      });
      response.on('end', () => finish({ value: { kind: 'body', body: Buffer.concat(chunks) } }));
    });
  });
}
