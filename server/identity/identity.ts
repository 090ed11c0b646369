import type { Request } from 'express';

/**
 * Who the host panel says is making a request (DESIGN §23). Cohost links it to one of its own accounts by
 * `externalId` (the host's stable id for the person) and never asks that person for a password.
 */
export interface ExternalIdentity {
  /** The host's stable id for this person (1–191 characters); the link between the two user stores. */
  readonly externalId: string;
  readonly email: string;
  readonly name?: string | null;
  /** The host says this person is one of its administrators: Cohost makes the linked account a root admin. */
  readonly isAdmin?: boolean;
}

/**
 * A host's way of telling Cohost who is calling. `resolveActor` answers null when the request carries no identity of
 * this kind (Cohost then tries its own session cookie or API key) and throws a 401 HttpError when it carries one
 * that does not hold up (a wrong secret, an expired or foreign token): a bad credential is refused, never ignored.
 */
export interface IdentityAdapter {
  /** Shown in the activity log (`properties.via`) and the logs: 'trusted-header', 'jwt', 'oidc', … */
  readonly kind: string;
  resolveActor(req: Request): Promise<ExternalIdentity | null>;
  /**
   * Browser sign-in through the host's identity provider (OIDC): Cohost mounts `GET /auth/{kind}/login` and
   * `GET /auth/{kind}/callback`, and on success starts its own session for the linked account.
   */
  readonly browserSignIn?: BrowserSignIn;
}

export interface BrowserSignIn {
  /** Where to send the browser, and what the callback must check (kept in the session). */
  start(): Promise<{ url: string; state: string; nonce: string; verifier: string }>;
  /** Verifies the provider's answer on the callback URL and names the person. */
  finish(callbackUrl: URL, expected: { state: string; nonce: string; verifier: string }): Promise<ExternalIdentity>;
}
