/**
 * What a host panel imports to embed Cohost (docs/embedding.md): boot it whole with its own adapters, or mount the
 * Express app and the socket.io gateway on a server of its own.
 */
export { bootCohost, type BootOptions, type Cohost } from './boot';
export { createHttpApp } from './app';
export { mountBridge } from './bridge';
export { manifest } from './routes';
export type { AppContext, Clock } from './context';
export type { Mailer, MailMessage } from './mail/mailer';
export type { Daemon, DaemonServer, PowerAction, ServerState } from '@bridge/daemon';
export type { RevocationBus, Revocation } from '@bridge/bus';
export { InProcessBus } from '@bridge/bus';
export { CATALOGUE, PERMISSIONS, hasPermission, compile, registerPermissionCategory, type HostCategory, type Permission } from '@contracts/permissions';
export { route, reply, type RouteDef } from './http/manifest';
export type { ExternalIdentity, IdentityAdapter } from './identity/identity';
export { trustedHeaderIdentity, TRUSTED_HEADERS, type TrustedHeaderOptions } from './identity/trusted-header';
export { jwtIdentity, type JwtIdentityOptions } from './identity/jwt';
export { oidcIdentity, type OidcIdentityOptions } from './identity/oidc';
