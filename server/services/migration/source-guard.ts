import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { MigrationError } from './errors';

/** Whether an address is an ordinary public unicast one (not loopback, private, link-local, multicast, reserved). */
export function isPublicAddress(ip: string): boolean {
  try {
    return ipaddr.process(ip).range() === 'unicast';
  } catch {
    return false;
  }
}

const refusal = (host: string) => new MigrationError(`The source ${host} is on a private or local network, which migrations may not reach.`);

/** A literal IP host that is not public is refused at once (MIGRATION_ALLOW_PRIVATE_HOSTS lifts it). */
export function literalHostAllowed(host: string, allowPrivate: boolean): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return allowPrivate || isIP(bare) === 0 || isPublicAddress(bare);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `dns.lookup` for sockets to a migration source: every address the name resolves to must be public, so a name
 * cannot point the panel at its own network (checked at connect time, so a re-bound name is checked again).
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number } | undefined, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...(options?.family ? { family: options.family } : {}), all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const usable = allowPrivate ? addresses : addresses.filter((a) => isPublicAddress(a.address));
      if (!usable.length) return callback(refusal(hostname) as NodeJS.ErrnoException, []);
      if (options?.all) return callback(null, usable);
      const first = usable[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/** One address to connect to for `host` (for clients without a lookup hook, such as ssh2). */
export function resolveSourceHost(host: string, allowPrivate: boolean): Promise<string> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) {
    if (!literalHostAllowed(bare, allowPrivate)) return Promise.reject(refusal(bare));
    return Promise.resolve(bare);
  }
  return new Promise((resolve, reject) => {
    guardedLookup(allowPrivate)(bare, {}, (err, address) => (err ? reject(err) : resolve(address as string)));
  });
}
