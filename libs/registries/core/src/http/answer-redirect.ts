import type { ServerResponse } from 'node:http';

/**
 * A download answered by a redirect to a presigned storage URL (S3 redirect mode, as distribution
 * does): 307, never cached (the URL expires within minutes and was issued to this caller).
 */
export function answerRedirect(res: ServerResponse, url: string): void {
  res.statusCode = 307;
  res.setHeader('Location', url);
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('Content-Length', '0');
  res.end();
}
