import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

interface Encoded {
  body: Buffer;
  etag: string;
  gzip?: Buffer;
}

const encoded = new WeakMap<object, Encoded>();

/** Smaller bodies are not worth a gzip (what the compression middleware skips too). */
const GZIP_THRESHOLD = 1024;

/**
 * Sends a JSON response that the service hands out again and again as the
 * same object (the accounts list, rebuilt only when the config or the
 * catalog reads change): it is serialised, hashed for its ETag and, for
 * clients that accept it, gzipped once per object instead of once per call.
 * Backstage's compression middleware leaves a body that is already encoded
 * alone. A browser revalidating with If-None-Match gets a 304. The ETag is
 * weak: the gzipped and the plain body are the same JSON, not the same bytes.
 */
export function sendSharedJson(req: Request, res: Response, value: object): void {
  let e = encoded.get(value);
  if (!e) {
    const body = Buffer.from(JSON.stringify(value));
    e = { body, etag: `W/"${createHash('sha1').update(body).digest('base64url')}"` };
    encoded.set(value, e);
  }
  res.type('application/json');
  res.set('ETag', e.etag);
  res.vary('Accept-Encoding');
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  if (e.body.length >= GZIP_THRESHOLD && req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    e.gzip ??= gzipSync(e.body);
    res.set('Content-Encoding', 'gzip');
    res.send(e.gzip);
    return;
  }
  res.send(e.body);
}
