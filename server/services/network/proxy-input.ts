import { z } from 'zod';

/** A lower-case DNS name with at least one dot (no scheme, port, path or wildcard). */
const domain = z.string().trim().toLowerCase().transform((d) => d.replace(/\.$/, ''))
  .pipe(z.string().max(253).regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/, 'must be a host name such as play.example.com'));

/** `/` or `/a/b` (no trailing slash, no dot segments, no query). */
const pathPrefix = z.string().trim().max(255)
  .transform((p) => (p === '' ? '/' : p.length > 1 ? p.replace(/\/+$/, '') : p))
  .pipe(z.string().regex(/^\/(?:[A-Za-z0-9._~!$&'()*+,;=:@%-]+(?:\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*)?$/, 'must be a path such as /map')
    .refine((p) => !p.split('/').some((seg) => seg === '.' || seg === '..'), 'must not contain . or .. segments'));

const allocationId = z.coerce.number().int().positive();

export const createProxyBody = z.object({
  domain,
  path_prefix: pathPrefix.optional(),
  allocation_id: allocationId,
  websocket: z.boolean().optional(),
});
export type CreateProxyBody = z.infer<typeof createProxyBody>;

export const updateProxyBody = z.object({
  domain: domain.optional(),
  path_prefix: pathPrefix.optional(),
  allocation_id: allocationId.optional(),
  websocket: z.boolean().optional(),
});
export type UpdateProxyBody = z.infer<typeof updateProxyBody>;
