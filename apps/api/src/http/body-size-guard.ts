import type { NextFunction, Request, Response } from 'express';

/**
 * Refuses a body over `limit` bytes before reading it: at once when `Content-Length` says so, and as
 * soon as a chunked body passes the limit. body-parser alone reads the whole body before its 413
 * (it drains the request so the connection can be reused), so a 300 MB body would be received in
 * full first. The connection is closed after the answer instead.
 */
export function bodySizeGuard(limit: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit) {
      refuse(req, res, limit);
      return;
    }
    if (declared === undefined && req.headers['transfer-encoding'] !== undefined) {
      let seen = 0;
      const count = (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > limit) {
          req.off('data', count);
          refuse(req, res, limit);
        }
      };
      // Listening does not consume: the body parser attaches its own 'data' listener in this tick.
      req.on('data', count);
    }
    next();
  };
}

function refuse(req: Request, res: Response, limit: number): void {
  if (res.headersSent) {
    req.socket.destroy();
    return;
  }
  res.setHeader('Connection', 'close');
  res.status(413).json({ statusCode: 413, error: 'Payload Too Large', message: `request body larger than ${limit} bytes` });
  // Stop receiving: the rest of the body is not read. Half-close first so the client reads the answer
  // (an immediate reset could discard it on the client's side), then drop the socket.
  res.once('finish', () => {
    req.pause();
    req.socket.end();
    setTimeout(() => req.socket.destroy(), 2000).unref();
  });
}
