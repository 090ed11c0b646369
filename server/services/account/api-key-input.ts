import ipaddr from 'ipaddr.js';
import { z } from 'zod';

export const MAX_API_KEYS = 25;

/** One allowed-IP entry: an address or a CIDR range, IPv4 or IPv6, stored in canonical form. */
const ipOrCidr = z.string().trim().max(64).transform((value, ctx) => {
  try {
    if (value.includes('/')) {
      const [range, bits] = ipaddr.parseCIDR(value);
      return `${range.toString()}/${bits}`;
    }
    if (ipaddr.isValid(value)) return ipaddr.parse(value).toString();
  } catch { /* reported below */ }
  ctx.addIssue({ code: 'custom', message: 'must be an IP address or a CIDR range' });
  return z.NEVER;
});

/**
 * A new API key, from the route or the CLI. `description` is Pterodactyl's name for the memo; either is accepted.
 * `expires_at` is an ISO 8601 time (with offset), checked against the clock by the service.
 */
export const apiKeyInput = z.object({
  description: z.string().max(500).optional(),
  memo: z.string().max(500).optional(),
  allowed_ips: z.array(ipOrCidr).max(50).default([]),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
});
export type ApiKeyInput = z.output<typeof apiKeyInput>;
