import { randomBytes } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import session from 'express-session';
import { SignJWT } from 'jose';
import { createRequire } from 'node:module';
import { serverPage } from './page';
import type { HostUser, HostUsers } from './users';

declare module 'express-session' {
  interface SessionData { hostUser?: HostUser }
}

/**
 * The host panel itself, which knows nothing of Cohost: its login page, its session, its users. `cohostToken` is the
 * one route it adds for Cohost: a short-lived JWT naming the signed-in host user, which its pages hand to the grid.
 */
export function createHostApp(users: HostUsers, jwt: { secret: string; audience: string }): { host: Express; signedIn: RequestHandler } {
  const host = express();
  host.use(session({ secret: randomBytes(32).toString('hex'), resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'strict' } }));
  const signedIn: RequestHandler = (req, res, next) => (req.session.hostUser ? next() : res.status(401).json({ error: 'sign in to the host panel' }));
  host.post('/login', express.json(), async (req, res) => {
    const user = await users.verify(String(req.body?.email ?? ''), String(req.body?.password ?? ''));
    if (!user) return void res.status(401).json({ error: 'wrong email or password' });
    req.session.regenerate(() => { req.session.hostUser = user; res.json({ user }); });
  });
  host.get('/cohost-token', signedIn, async (req, res) => {
    const user = req.session.hostUser!;
    const token = await new SignJWT({ email: user.email, name: user.name, admin: user.isAdmin })
      .setProtectedHeader({ alg: 'HS256' }).setSubject(`host-${user.id}`).setAudience(jwt.audience)
      .setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(jwt.secret));
    res.json({ token });
  });
  // The host's page for one server, with Cohost's Users tab mounted in it (examples/host-panel/page.ts).
  host.get('/servers/:uuid', signedIn, (req, res) => { res.type('html').send(serverPage(String(req.params.uuid))); });
  host.get('/host-assets/vue.js', (_req, res) => { res.sendFile(createRequire(import.meta.url).resolve('vue/dist/vue.esm-browser.prod.js')); });
  return { host, signedIn };
}
