import { z } from 'zod';

/** Pterodactyl's paging for the application API: `?page`, `?per_page` (≤ 100). */
export const pageQuery = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(50),
};

/** `?filter[x]=true|false` (absent or empty = no filter). */
export const boolFilter = z.enum(['true', 'false', '1', '0', '']).optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v === 'true' || v === '1'));
