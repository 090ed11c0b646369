import type { ApiErrorBody, ApiErrorItem } from '@contracts/errors';

/** An API failure in the Pterodactyl envelope, with the field errors a form can show next to its inputs. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly errors: ApiErrorItem[]) {
    super(errors[0]?.detail ?? `Request failed (${status}).`);
  }

  get code(): string | undefined {
    return this.errors[0]?.code;
  }

  /** `{ field: detail }` for every error that names its `meta.source_field`. */
  get fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.errors) {
      const field = e.meta?.source_field;
      if (!field) continue;
      // `permissions.3` also counts for the `permissions` input.
      for (const key of [field, field.split('.')[0] ?? field]) if (!out[key]) out[key] = e.detail;
    }
    return out;
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
export const UNAUTHENTICATED_EVENT = 'cohost:unauthenticated';

export function readCookie(name: string): string | undefined {
  const hit = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : undefined;
}

let primed: Promise<unknown> | null = null;
/** The panel sets the XSRF cookie on any /api request; make sure one happened before the first write. */
async function primeXsrf(): Promise<void> {
  if (readCookie('XSRF-TOKEN')) return;
  primed ??= fetch('/api/health', { credentials: 'same-origin' }).catch(() => undefined);
  await primed;
  primed = null;
}

export interface RequestOptions {
  body?: unknown;
  /** Send the body as-is (text files), not as JSON. */
  raw?: BodyInit;
  query?: Record<string, string | number | undefined>;
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

/** Writes echo the XSRF-TOKEN cookie in X-XSRF-TOKEN, as axios does for Pterodactyl's SPA. */
export async function xsrfHeaders(method: string): Promise<Record<string, string>> {
  if (SAFE.has(method)) return {};
  await primeXsrf();
  const token = readCookie('XSRF-TOKEN');
  return token ? { 'X-XSRF-TOKEN': token } : {};
}

async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(await xsrfHeaders(method)) };
  let body: BodyInit | undefined = options.raw;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  } else if (options.raw !== undefined) headers['Content-Type'] = 'text/plain';
  const res = await fetch(withQuery(path, options.query), { method, headers, body, credentials: 'same-origin' });
  // A session that ended elsewhere (password change, suspension, expiry): let the app send the user to sign in.
  if (res.status === 401 && !path.startsWith('/auth/')) window.dispatchEvent(new CustomEvent(UNAUTHENTICATED_EVENT));
  if (!res.ok) throw await toError(res);
  return res;
}

async function toError(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const parsed = JSON.parse(text) as Partial<ApiErrorBody>;
    if (Array.isArray(parsed.errors) && parsed.errors.length) return new ApiError(res.status, parsed.errors);
  } catch { /* not JSON */ }
  return new ApiError(res.status, [{ code: 'HttpException', status: String(res.status), detail: text || res.statusText || 'Request failed.' }]);
}

export async function request<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
  const res = await send(method, path, options);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function requestText(path: string, query?: RequestOptions['query']): Promise<string> {
  const res = await send('GET', path, query ? { query } : {});
  return res.text();
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query']) => request<T>('GET', path, query ? { query } : {}),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, { body }),
  put: <T>(path: string, body: unknown = {}) => request<T>('PUT', path, { body }),
  del: <T>(path: string, body?: unknown) => request<T>('DELETE', path, body === undefined ? {} : { body }),
};

/** A human message for any thrown value. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
