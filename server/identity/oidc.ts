import * as oidc from 'openid-client';
import { unauthenticated } from '../http/errors';
import type { ExternalIdentity, IdentityAdapter } from './identity';

export interface OidcIdentityOptions {
  /** The provider's issuer URL (discovery at `/.well-known/openid-configuration`). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Cohost's callback as registered with the provider: `{APP_URL}/auth/oidc/callback`. */
  readonly redirectUri: string;
  /** Default `openid email profile`. */
  readonly scope?: string;
  /** Claim that makes the person a Cohost root admin when true (default: none; nobody is made admin). */
  readonly adminClaim?: string;
  /** Allow an `http:` issuer (a provider on this machine in development and tests). */
  readonly allowHttp?: boolean;
}

/**
 * OIDC through `openid-client`: authorization code flow with PKCE, state and nonce, discovered from the issuer.
 * The provider signs the person in; Cohost links the account by `sub` (prefixed with the issuer) and starts its own
 * session, so every later request is an ordinary Cohost session (cookie + CSRF).
 */
export function oidcIdentity(options: OidcIdentityOptions): IdentityAdapter {
  let discovered: Promise<oidc.Configuration> | null = null;
  const config = () => {
    discovered ??= oidc.discovery(new URL(options.issuer), options.clientId, options.clientSecret, undefined,
      options.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined).catch((err: unknown) => {
      discovered = null;
      throw err;
    });
    return discovered;
  };
  return {
    kind: 'oidc',
    resolveActor: async () => null,
    browserSignIn: {
      async start() {
        const verifier = oidc.randomPKCECodeVerifier();
        const state = oidc.randomState();
        const nonce = oidc.randomNonce();
        const url = oidc.buildAuthorizationUrl(await config(), {
          redirect_uri: options.redirectUri, scope: options.scope ?? 'openid email profile', state, nonce,
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
        });
        return { url: url.href, state, nonce, verifier };
      },
      async finish(callbackUrl, expected): Promise<ExternalIdentity> {
        let claims: oidc.IDToken | undefined;
        let info: oidc.UserInfoResponse | null = null;
        try {
          // The redirect_uri sent is the registered one, whatever prefix or proxy the callback came through.
          const current = new URL(options.redirectUri);
          current.search = callbackUrl.search;
          const tokens = await oidc.authorizationCodeGrant(await config(), current, {
            pkceCodeVerifier: expected.verifier, expectedState: expected.state, expectedNonce: expected.nonce, idTokenExpected: true,
          });
          claims = tokens.claims();
          // Providers that keep the ID token lean (oidc-provider's default) give email and name at the userinfo endpoint.
          if (claims && typeof claims.email !== 'string') info = await oidc.fetchUserInfo(await config(), tokens.access_token, claims.sub);
        } catch (err) {
          throw unauthenticated(`The identity provider's answer was refused: ${err instanceof Error ? err.message : 'invalid'}.`);
        }
        if (!claims) throw unauthenticated('The identity provider returned no ID token.');
        const all: Record<string, unknown> = { ...info, ...claims };
        return {
          externalId: `${claims.iss}|${claims.sub}`,
          email: typeof all.email === 'string' ? all.email : '',
          name: typeof all.name === 'string' ? all.name : null,
          isAdmin: options.adminClaim ? all[options.adminClaim] === true : false,
        };
      },
    },
  };
}
