import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByExternalId } from '@db/repositories/users';
import { oidcIdentity } from '@server/embed';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser } from '../factories/records';
import { activityOf } from './account-support';

/** The host's people, as its identity provider knows them. */
const PEOPLE: Record<string, { email: string; name: string }> = {
  carol: { email: 'carol@idp.example', name: 'Carol' },
};
let idp: Server;
let issuer: string;
let panel: TestPanel;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => { r.statusCode = 503; r.end(); };
  idp = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/auth/oidc/callback`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'cohost', client_secret: 'cohost-client-secret-0123456789', redirect_uris: [redirectUri], response_types: ['code'], grant_types: ['authorization_code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['idp-cookie-key-for-tests'] },
    findAccount: async (_ctx, id) => (PEOPLE[id] ? { accountId: id, claims: async () => ({ sub: id, ...PEOPLE[id]!, email_verified: true }) } : undefined),
  });
  handler = provider.callback();
  panel = await startTestPanel({
    env: { PORT: String(port) },
    adapters: { identity: oidcIdentity({ issuer, clientId: 'cohost', clientSecret: 'cohost-client-secret-0123456789', redirectUri, allowHttp: true }) },
  });
}, 60_000);
afterAll(async () => { await panel?.close(); idp?.close(); });

/** A browser at the provider: a cookie jar, following redirects by hand, submitting the dev login and consent forms. */
class IdpBrowser {
  private readonly jar = new Map<string, string>();
  async go(url: string, form?: Record<string, string>): Promise<Response> {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET', redirect: 'manual',
      headers: { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  }

  /** Follows the provider's redirects and forms until it redirects back to `until`; returns that URL. */
  async signIn(start: string, login: string, until: string): Promise<string> {
    let url = start;
    for (let step = 0; step < 12; step++) {
      const res = await this.go(url);
      const location = res.headers.get('location');
      if (location) {
        url = new URL(location, url).href;
        if (url.startsWith(until)) return url;
        continue;
      }
      const html = await res.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (!action) throw new Error(`no form at ${url}: ${html.slice(0, 300)}`);
      const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1] ?? 'consent';
      const posted = await this.go(new URL(action.replace(/&amp;/g, '&'), url).href, prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
      const next = posted.headers.get('location');
      if (!next) throw new Error(`form ${prompt} did not redirect: ${posted.status}`);
      url = new URL(next, url).href;
      if (url.startsWith(until)) return url;
    }
    throw new Error('too many steps at the provider');
  }
}

describe('OIDC identity against a real provider (oidc-provider)', () => {
  it('signs the provider\'s user in: code flow with PKCE, linked account, a Cohost session that works', async () => {
    const cohost = new HttpClient(panel.url);
    const login = await cohost.get('/auth/oidc/login');
    expect(login.status).toBe(302);
    const to = new URL(login.headers.get('location')!);
    expect(to.origin).toBe(issuer);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    const callback = await new IdpBrowser().signIn(to.href, 'carol', `${panel.url}/auth/oidc/callback`);
    const done = await cohost.get(callback.replace(panel.url, ''));
    expect(done.status, done.text).toBe(302);
    expect(done.headers.get('location')).toBe('/');
    const account = await cohost.get('/api/client/account');
    expect(account.status).toBe(200);
    expect(account.body.attributes.email).toBe('carol@idp.example');
    const user = await findUserByExternalId(panel.app.db, `${issuer}|carol`);
    expect(user?.password).toBeNull();
    expect((await activityOf(panel, user!.id)).map((a) => a.event)).toEqual(['user:account.external-link', 'auth:login']);

    // The session is an ordinary one: the 2FA policy and the grants apply.
    const owner = (await findUserByExternalId(panel.app.db, `${issuer}|carol`))!;
    const other = await makeServer(panel.app.db, owner);
    expect((await cohost.get(`/api/client/servers/${other.uuid}`)).status).toBe(200);
    const hosted = await makeServer(panel.app.db, await makeUser(panel.app.db), { requireTwoFactor: true });
    await makeSubuser(panel.app.db, hosted, owner, ['control.console']);
    const blocked = await cohost.get(`/api/client/servers/${hosted.uuid}`);
    expect(blocked.status).toBe(403);
    expect(blocked.body.errors[0].code).toBe('TwoFactorRequired');
  });

  it('refuses a callback with no sign-in under way, and one whose state was tampered with', async () => {
    const stray = await new HttpClient(panel.url).get('/auth/oidc/callback?code=abc&state=xyz');
    expect(stray.status).toBe(401);
    const cohost = new HttpClient(panel.url);
    const login = await cohost.get('/auth/oidc/login');
    const callback = new URL(await new IdpBrowser().signIn(login.headers.get('location')!, 'carol', `${panel.url}/auth/oidc/callback`));
    callback.searchParams.set('state', 'forged');
    const res = await cohost.get(callback.pathname + callback.search);
    expect(res.status).toBe(401);
    expect(res.body.errors[0].detail).toMatch(/refused/);
    expect((await cohost.get('/api/client/account')).status).toBe(401);
  });
});
