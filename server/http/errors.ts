import { DaemonUnavailableError } from '@bridge/daemon';
import { WingsHttpError } from '@bridge/wings/node-client';
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import { ERROR_CODES, type ApiErrorItem } from '@contracts/errors';
import { isDatabaseUnavailable } from '@db/errors';
import type { Logger } from '../logger';

/** The one error type services throw; the middleware below writes it as Pterodactyl's envelope. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly meta?: ApiErrorItem['meta'],
    readonly extra: ApiErrorItem[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  items(): ApiErrorItem[] {
    const first: ApiErrorItem = { code: this.code, status: String(this.status), detail: this.detail };
    if (this.meta) first.meta = this.meta;
    return [first, ...this.extra];
  }
}

export function httpError(status: number, code: string, detail: string, meta?: ApiErrorItem['meta']): HttpError {
  return new HttpError(status, code, detail, meta);
}

export const notFound = (detail = 'The requested resource could not be found on the server.') =>
  httpError(404, ERROR_CODES.notFound, detail);
export const forbidden = (detail = 'This action is unauthorized.', meta?: ApiErrorItem['meta']) =>
  httpError(403, ERROR_CODES.forbidden, detail, meta);
export const unauthenticated = (detail = 'Unauthenticated.') => httpError(401, ERROR_CODES.unauthenticated, detail);
export const conflict = (detail: string, meta?: ApiErrorItem['meta']) => httpError(409, ERROR_CODES.conflict, detail, meta);
export const badRequest = (detail: string, meta?: ApiErrorItem['meta']) => httpError(400, ERROR_CODES.badRequest, detail, meta);

/** A 422 naming the field, as Laravel's validator does (`meta.source_field`, `meta.rule`). */
export function validationError(field: string, detail: string, rule = 'invalid'): HttpError {
  return httpError(422, ERROR_CODES.validation, detail, { source_field: field, rule });
}

/** Turns every zod issue into one envelope item, each naming its field. */
export function fromZod(error: z.ZodError, prefix = ''): HttpError {
  const items: ApiErrorItem[] = error.issues.map((issue) => {
    const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || prefix || 'body';
    return {
      code: ERROR_CODES.validation,
      status: '422',
      detail: issue.path.length ? `The ${field} field: ${issue.message}` : issue.message,
      meta: { source_field: field, rule: issue.code },
    };
  });
  const [first, ...rest] = items;
  return new HttpError(422, ERROR_CODES.validation, first?.detail ?? 'The given data was invalid.', first?.meta, rest);
}

export const apiNotFound: RequestHandler = (_req, _res, next) => next(notFound('The requested route does not exist.'));

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    let error: HttpError;
    if (err instanceof HttpError) error = err;
    else if (err instanceof z.ZodError) error = fromZod(err);
    else if (isBodyParserError(err)) {
      error = err.type === 'entity.too.large'
        ? httpError(413, ERROR_CODES.payloadTooLarge, 'The request body is too large.')
        : badRequest('The request body could not be parsed.');
    } else if (err instanceof DaemonUnavailableError) {
      logger.warn({ err: { message: err.message }, method: req.method, url: req.originalUrl }, 'daemon unavailable');
      error = new HttpError(err.status, ERROR_CODES.unavailable, err.message, undefined, [], err.status === 503 ? { 'Retry-After': '5' } : {});
    } else if (err instanceof WingsHttpError) {
      // A refusal of Wings' that no adapter mapped: the node's text is shown, as Pterodactyl's DaemonConnectionException.
      logger.warn({ err: { message: err.message, status: err.status }, method: req.method, url: req.originalUrl }, 'daemon refused');
      error = httpError(502, ERROR_CODES.unavailable, `The game server's node refused the request (${err.status}${err.message ? `: ${err.message}` : ''}).`);
    } else if (isDatabaseUnavailable(err)) {
      logger.warn({ err: { message: (err as Error).message }, method: req.method, url: req.originalUrl }, 'database unavailable');
      error = new HttpError(503, ERROR_CODES.unavailable, 'The panel cannot reach its database right now. Please try again in a few seconds.',
        undefined, [], { 'Retry-After': '5' });
    } else {
      const id = randomUUID();
      logger.error({ err, errorId: id, method: req.method, url: req.originalUrl }, 'unexpected error');
      error = httpError(500, ERROR_CODES.unexpected, `An unexpected error was encountered while processing this request (error id ${id}).`, { error_id: id });
    }
    for (const [k, v] of Object.entries(error.headers)) res.setHeader(k, v);
    res.status(error.status).json({ errors: error.items() });
  };
}

function isBodyParserError(err: unknown): err is { type: string; status: number } {
  return typeof err === 'object' && err !== null && 'type' in err && 'status' in err && typeof (err as { type: unknown }).type === 'string';
}
