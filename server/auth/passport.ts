import type { Request, Response } from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { findUserByLogin } from '@db/repositories/users';
import type { UserRow } from '@db/schema/users';
import type { AppContext } from '../context';
import { verifyPassword } from './passwords';

/** Verified against when the login names nobody, so an unknown user costs as much time as a wrong password. */
const DUMMY_HASH = '$argon2id$v=19$m=65536,p=4,t=3$Tt+T5v8uHNWJF91b5Y7keA$F69+6TK4NYKVaL9ngFr722RtbOM/peY+eYHHWXWvk20';

export type CredentialCheck =
  | { readonly ok: true; readonly user: UserRow }
  | { readonly ok: false; readonly user: UserRow | null };

/**
 * passport-local over our user store (email or username + password). Passport only checks the credentials: we run it
 * with `session: false` and a custom callback, and the caller establishes the session itself (regenerated id).
 * A fresh Passport instance per call keeps the strategy bound to this app without module-level state.
 */
export function checkCredentialsWithPassport(app: AppContext, req: Request, res: Response): Promise<CredentialCheck> {
  const passport = new Passport();
  let found: UserRow | null = null;
  passport.use(new LocalStrategy({ usernameField: 'user', passwordField: 'password', session: false }, (login, password, done) => {
    void (async () => {
      found = await findUserByLogin(app.db, login);
      const usable = found !== null && found.status === 'active' && found.password !== null;
      const ok = await verifyPassword(usable ? found?.password ?? DUMMY_HASH : DUMMY_HASH, password);
      return usable && ok ? found : false;
    })().then((user) => done(null, user ?? false), (err: unknown) => done(err));
  }));
  return new Promise((resolve, reject) => {
    const middleware = passport.authenticate('local', { session: false }, (err: unknown, user: UserRow | false) => {
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve(user ? { ok: true, user } : { ok: false, user: found });
    }) as (req: Request, res: Response, next: (err?: unknown) => void) => void;
    middleware(req, res, (err?: unknown) => reject(err instanceof Error ? err : new Error(String(err))));
  });
}
