/**
 * A small HTTP client for tests: keeps cookies like a browser, echoes XSRF-TOKEN as axios does, or sends a Bearer
 * API key (no cookies) when given one.
 */
export interface HttpResult<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
  readonly text: string;
}

export class HttpClient {
  private readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string, private readonly apiKey?: string, private readonly extraHeaders: Record<string, string> = {}) {}

  withApiKey(token: string): HttpClient {
    return new HttpClient(this.baseUrl, token, this.extraHeaders);
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  dropCookie(name: string): void {
    this.cookies.delete(name);
  }

  async request(method: string, path: string, body?: unknown, options: { csrf?: boolean; headers?: Record<string, string>; raw?: boolean } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.extraHeaders, ...options.headers };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    else if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const xsrf = this.cookies.get('XSRF-TOKEN');
    if (!this.apiKey && xsrf && options.csrf !== false) headers['x-xsrf-token'] = decodeURIComponent(xsrf);
    let payload: string | Buffer | undefined;
    if (body !== undefined) {
      if (options.raw) payload = body as string | Buffer;
      else { payload = JSON.stringify(body); headers['content-type'] ??= 'application/json'; }
    }
    const res = await fetch(new URL(path, this.baseUrl), { method, headers, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    return { status: res.status, body: parsed, headers: res.headers, text };
  }

  get(path: string, options?: Parameters<HttpClient['request']>[3]) { return this.request('GET', path, undefined, options); }
  post(path: string, body?: unknown, options?: Parameters<HttpClient['request']>[3]) { return this.request('POST', path, body ?? {}, options); }
  put(path: string, body?: unknown, options?: Parameters<HttpClient['request']>[3]) { return this.request('PUT', path, body ?? {}, options); }
  patch(path: string, body?: unknown, options?: Parameters<HttpClient['request']>[3]) { return this.request('PATCH', path, body ?? {}, options); }
  delete(path: string, body?: unknown, options?: Parameters<HttpClient['request']>[3]) { return this.request('DELETE', path, body, options); }

  /** Signs in with a password; primes the XSRF cookie first as the SPA does. */
  async login(user: string, password: string): Promise<HttpResult> {
    await this.get('/api/health');
    return this.post('/auth/login', { user, password });
  }
}
