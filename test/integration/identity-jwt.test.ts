import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByExternalId } from '@db/repositories/users';
import { jwtIdentity } from '@server/embed';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser } from '../factories/records';

const AUDIENCE = 'cohost.host.example';
const ISSUER = 'https://host.example';

/** The host's signing keys and the JWKS endpoint it publishes them on (a real HTTP server the adapter fetches). */
const host = { keys: new Map<string, { privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; jwk: JWK }>(), published: [] as string[] };
let jwks: Server;
let panel: TestPanel;

async function addKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  host.keys.set(kid, { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } });
}

async function mint(kid: string, claims: Record<string, unknown> = {}, opts: { aud?: string; lifetime?: number; iat?: number; noExp?: boolean } = {}) {
  const now = opts.iat ?? Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ email: 'jwt-user@host.example', name: 'Jwt User', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid }).setSubject(String(claims.sub ?? 'jwt-1')).setIssuer(ISSUER)
    .setAudience(opts.aud ?? AUDIENCE).setIssuedAt(now);
  if (!opts.noExp) jwt.setExpirationTime(now + (opts.lifetime ?? 300));
  return jwt.sign(host.keys.get(kid)!.privateKey);
}

const call = (token: string, path = '/api/client/account') => new HttpClient(panel.url, undefined, { authorization: `Bearer ${token}` }).get(path);

beforeAll(async () => {
  await addKey('k1');
  await addKey('k2');
  await addKey('other');
  host.published = ['k1'];
  jwks = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: host.published.map((kid) => host.keys.get(kid)!.jwk) }));
  });
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  panel = await startTestPanel({ adapters: { identity: jwtIdentity({ keys: { jwksUrl, cooldownSeconds: 0 }, audience: AUDIENCE, issuer: ISSUER }) } });
});
afterAll(async () => { await panel?.close(); jwks?.close(); });

describe('host-signed JWT identity', () => {
  it('links the user named by a valid token', async () => {
    const res = await call(await mint('k1', { sub: 'jwt-1' }));
    expect(res.status).toBe(200);
    expect(res.body.attributes.email).toBe('jwt-user@host.example');
    expect((await findUserByExternalId(panel.app.db, 'jwt-1'))?.password).toBeNull();
  });

  it('refuses a foreign audience, an expired token, a token with no expiry, a too-long lifetime, an unknown key', async () => {
    const cases: Array<[string, RegExp]> = [
      [await mint('k1', { sub: 'jwt-x' }, { aud: 'someone-else' }), /claim "aud"/],
      [await mint('k1', { sub: 'jwt-x' }, { iat: Math.floor(Date.now() / 1000) - 7200, lifetime: 600 }), /expired/],
      [await mint('k1', { sub: 'jwt-x' }, { noExp: true }), /claim "exp"/],
      [await mint('k1', { sub: 'jwt-x' }, { lifetime: 86_400 }), /at most 3600 seconds/],
      [await mint('other', { sub: 'jwt-x' }), /signature/],
      ['not.a.jwt', /not a valid JWT/],
    ];
    for (const [token, reason] of cases) {
      const res = await call(token);
      expect(res.status).toBe(401);
      expect(res.body.errors[0].detail).toMatch(reason);
    }
    expect(await findUserByExternalId(panel.app.db, 'jwt-x')).toBeNull();
  });

  it('follows key rotation: a new kid is fetched from the JWKS, a dropped one stops working', async () => {
    host.published = ['k1', 'k2'];
    expect((await call(await mint('k2', { sub: 'jwt-1' }))).status).toBe(200);
    expect((await call(await mint('k1', { sub: 'jwt-1' }))).status).toBe(200);
    host.published = ['k2'];
    // The old key stays cached until a token names a kid the cache lacks; then the set is re-read.
    await call(await mint('other', { sub: 'jwt-1' }));
    const old = await call(await mint('k1', { sub: 'jwt-1' }));
    expect(old.status).toBe(401);
    expect((await call(await mint('k2', { sub: 'jwt-1' }))).status).toBe(200);
  });

  it('makes the user an admin only when the host says so', async () => {
    expect((await call(await mint('k2', { sub: 'jwt-admin', email: 'boss@host.example', admin: true }))).status).toBe(200);
    expect((await findUserByExternalId(panel.app.db, 'jwt-admin'))?.rootAdmin).toBe(true);
    await call(await mint('k2', { sub: 'jwt-admin', email: 'boss@host.example', admin: 'yes' }));
    expect((await findUserByExternalId(panel.app.db, 'jwt-admin'))?.rootAdmin).toBe(false);
  });

  it('guards server routes for linked users like any other, and leaves ptlc_ API keys to Cohost', async () => {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const token = await mint('k2', { sub: 'jwt-member', email: 'member@host.example' });
    expect((await call(token, `/api/client/servers/${server.uuid}`)).status).toBe(404);
    await call(token);
    await makeSubuser(panel.app.db, server, (await findUserByExternalId(panel.app.db, 'jwt-member'))!, ['control.console']);
    const res = await call(token, `/api/client/servers/${server.uuid}`);
    expect(res.status).toBe(200);
    expect(res.body.meta.user_permissions).toEqual(expect.arrayContaining(['control.console']));
    expect((await call(token, `/api/client/servers/${server.uuid}/users`)).status).toBe(403);
    const key = await makeApiKey(panel.app.db, owner);
    expect((await new HttpClient(panel.url).withApiKey(key).get('/api/client/account')).body.attributes.email).toBe(owner.email);
  });
});
