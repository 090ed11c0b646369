import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { FileReceiver } from '@bridge/files/receive';
import { MigrationError } from '../errors';
import { guardedLookup, literalHostAllowed } from '../source-guard';
import type { Progress } from '../progress';
import type { UrlSourceInput } from '../inputs';

const MAX_REDIRECTS = 5;

export interface UrlSourceOptions {
  readonly allowPrivate: boolean;
  readonly connectTimeoutMs: number;
  readonly signal: AbortSignal;
}

/** GET with the guarded lookup, following up to five redirects (each target checked again); resolves on 200. */
function get(url: URL, options: UrlSourceOptions, hops = 0): Promise<IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new MigrationError('The archive URL must be http or https.'));
  if (!literalHostAllowed(url.hostname, options.allowPrivate)) {
    return Promise.reject(new MigrationError(`The source ${url.hostname} is on a private or local network, which migrations may not reach.`));
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, {
      lookup: guardedLookup(options.allowPrivate) as never, signal: options.signal, timeout: options.connectTimeoutMs,
      headers: { 'user-agent': 'Cohost-Migration/1', accept: '*/*' },
    }, (res) => {
      const status = res.statusCode ?? 0;
      if ([301, 302, 303, 307, 308].includes(status) && res.headers.location) {
        res.resume();
        if (hops >= MAX_REDIRECTS) return reject(new MigrationError('The archive URL redirected too many times.'));
        return resolve(get(new URL(res.headers.location, url), options, hops + 1));
      }
      if (status !== 200) {
        res.resume();
        return reject(new MigrationError(`The archive URL answered HTTP ${status}.`));
      }
      req.setTimeout(0);
      resolve(res);
    });
    req.once('timeout', () => req.destroy(new MigrationError('The archive URL did not answer in time.')));
    req.once('error', reject);
  });
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Downloads a `.tar.gz` / `.tar` / `.zip` archive over HTTP(S) and extracts it into the server's root (format
 * read from the data, not the name). The download counts against the size cap as it streams; the expanded size is
 * checked from the archive's headers before anything is written; a given SHA-256 is verified before extraction.
 */
export async function migrateFromUrl(input: UrlSourceInput, receiver: FileReceiver, progress: Progress, options: UrlSourceOptions): Promise<void> {
  const res = await get(new URL(input.url), options);
  const length = Number(res.headers['content-length']);
  if (Number.isFinite(length) && length > 0) {
    if (length > receiver.remaining()) {
      res.destroy();
      throw new MigrationError(`The archive is ${length} bytes, more than the migration limit of ${receiver.remaining()} bytes.`);
    }
    progress.total(length, null);
  }
  const result = await receiver.archive(res, (received) => progress.set(received, 0), async (file) => {
    if (!input.sha256) return;
    const actual = await sha256Of(file);
    if (actual !== input.sha256.toLowerCase()) throw new MigrationError(`The archive's SHA-256 is ${actual}, not the expected ${input.sha256.toLowerCase()}.`);
  });
  progress.total(result.bytes, result.files);
  progress.set(result.bytes, result.files);
}
