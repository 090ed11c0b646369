import { z } from 'zod';
import { isDuplicateEntry } from '@db/repositories/subusers';
import { insertPrivateNetwork } from '@db/repositories/network-private';
import type { Executor } from '@db/client';
import type { PrivateNetworkRow } from '@db/schema/network';
import { fromZod, validationError } from '../../http/errors';

export const networkName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be 1–64 letters, digits, _ or -, starting with a letter or digit');

/** Admins create a private network on a node (null = this host); the name is unique on its node. */
export async function createPrivateNetwork(db: Executor, input: { name: string; nodeId: number | null }, now: Date): Promise<PrivateNetworkRow> {
  const name = networkName.safeParse(input.name);
  if (!name.success) throw fromZod(name.error, 'name');
  try {
    return await insertPrivateNetwork(db, input.nodeId, name.data.toLowerCase(), now);
  } catch (err) {
    if (isDuplicateEntry(err)) throw validationError('name', `A network named ${name.data} already exists on this node.`, 'unique');
    throw err;
  }
}
