import type { SystemPermissions } from '@contracts/permissions';

/** Where a host's page reaches Cohost and how it proves who is calling (DESIGN §23). */
export interface CohostConnection {
  /** The client API's base URL, e.g. `https://panel.example.com/cohost/api/client`. */
  readonly apiBase: string;
  /**
   * The `Authorization` header value (`Bearer <host JWT>` or `Bearer ptlc_…`), or a function that returns a fresh one
   * (a host JWT lives minutes). Without it, requests carry the browser's cookies (same-origin Cohost session).
   */
  readonly authHeader?: string | (() => Promise<string>);
}

export interface SubuserItem {
  readonly uuid: string;
  readonly email: string;
  readonly username: string | null;
  readonly permissions: string[];
  readonly status: string;
}

/** An error in Pterodactyl's envelope: the first item's detail, and the field it names. */
export class CohostError extends Error {
  constructor(readonly status: number, message: string, readonly field?: string) { super(message); }
}

/** The few client API calls the grid and the Users tab make, with the host's base and auth header. */
export class CohostClient {
  constructor(private readonly connection: CohostConnection) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const auth = typeof this.connection.authHeader === 'function' ? await this.connection.authHeader() : this.connection.authHeader;
    const res = await fetch(`${this.connection.apiBase.replace(/\/$/, '')}${path}`, {
      method,
      credentials: auth ? 'omit' : 'include',
      headers: { accept: 'application/json', ...(auth ? { authorization: auth } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) as unknown : undefined;
    if (!res.ok) {
      const first = (parsed as { errors?: Array<{ detail?: string; meta?: { source_field?: string } }> } | undefined)?.errors?.[0];
      throw new CohostError(res.status, first?.detail ?? `HTTP ${res.status}`, first?.meta?.source_field);
    }
    return parsed as T;
  }

  catalogue(): Promise<SystemPermissions> { return this.call('GET', '/permissions'); }

  async grantsOn(server: string): Promise<string[]> {
    const res = await this.call<{ meta: { user_permissions: string[] } }>('GET', `/servers/${encodeURIComponent(server)}`);
    return res.meta.user_permissions;
  }

  async users(server: string): Promise<SubuserItem[]> {
    const res = await this.call<{ data: Array<{ attributes: SubuserItem }> }>('GET', `/servers/${encodeURIComponent(server)}/users`);
    return res.data.map((d) => d.attributes);
  }

  async invite(server: string, email: string, permissions: string[]): Promise<SubuserItem> {
    return (await this.call<{ attributes: SubuserItem }>('POST', `/servers/${encodeURIComponent(server)}/users`, { email, permissions })).attributes;
  }

  async update(server: string, uuid: string, permissions: string[]): Promise<SubuserItem> {
    return (await this.call<{ attributes: SubuserItem }>('POST', `/servers/${encodeURIComponent(server)}/users/${uuid}`, { permissions })).attributes;
  }

  remove(server: string, uuid: string): Promise<void> {
    return this.call('DELETE', `/servers/${encodeURIComponent(server)}/users/${uuid}`);
  }
}
