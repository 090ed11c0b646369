import type { Request } from 'express';
import ipaddr from 'ipaddr.js';
import type { AppContext } from '../../context';
import { httpError } from '../../http/errors';

/** Where passkeys are bound (DESIGN §22): the RP ID is APP_URL's host name, the origin its scheme://host:port. */
export type RelyingParty =
  | { readonly enabled: true; readonly rpID: string; readonly origin: string; readonly name: string }
  | { readonly enabled: false; readonly reason: string };

const RP_NAME = 'Cohost';
const LOCAL = /^(localhost|.+\.localhost)$/i;

/** Judges one base URL: WebAuthn refuses IP addresses, and browsers offer it only on https (or localhost). */
export function relyingPartyFor(base: string): RelyingParty {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return { enabled: false, reason: `Passkeys are off: the panel address "${base}" is not a valid URL.` };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) {
    return {
      enabled: false,
      reason: `Passkeys are off: the panel is reached at an IP address (${url.host}) and WebAuthn only works with a domain name. `
        + 'Set APP_URL to the panel\'s https:// domain (http://localhost in development) to turn them on.',
    };
  }
  if (url.protocol !== 'https:' && !LOCAL.test(host)) {
    return {
      enabled: false,
      reason: `Passkeys are off: browsers offer WebAuthn only on https:// (or localhost), and the panel is at ${url.origin}. `
        + 'Serve it over https and set APP_URL accordingly.',
    };
  }
  return { enabled: true, rpID: host.toLowerCase(), origin: url.origin, name: RP_NAME };
}

/** Reasons already logged, per app: each one is logged once (DESIGN §22: one clear line). */
const logged = new WeakMap<AppContext, Set<string>>();

function logOnce(app: AppContext, reason: string): void {
  let seen = logged.get(app);
  if (!seen) logged.set(app, (seen = new Set()));
  if (seen.has(reason)) return;
  seen.add(reason);
  app.logger.warn(reason);
}

/**
 * The relying party for a request: from APP_URL when set, else from the address the request reached (so a
 * development panel at http://localhost:8080 works with no configuration, and one reached by IP says why not).
 */
export function relyingParty(app: AppContext, req: Request | null): RelyingParty {
  const base = app.config.APP_URL ?? (req ? `${req.protocol}://${req.get('host') ?? 'localhost'}` : `http://localhost:${app.config.PORT}`);
  const rp = relyingPartyFor(base);
  if (!rp.enabled) logOnce(app, rp.reason);
  return rp;
}

/** At boot: says once when APP_URL itself rules passkeys out. */
export function announcePasskeys(app: AppContext): void {
  if (app.config.APP_URL) relyingParty(app, null);
}

/** The relying party, or 501 saying why passkeys are off on this panel. */
export function requireRelyingParty(app: AppContext, req: Request): Extract<RelyingParty, { enabled: true }> {
  const rp = relyingParty(app, req);
  if (!rp.enabled) throw httpError(501, 'PasskeysUnavailable', rp.reason);
  return rp;
}
