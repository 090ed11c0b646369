import { badRequest, notFound } from '../../http/errors';

export const allocationLimitReached = () =>
  badRequest('Cannot assign additional allocations to this server: limit has been reached.', { limit: 'allocation_limit' });
export const noFreeAllocation = (ip: string | null) =>
  badRequest(`Cannot assign additional allocations to this server: the node has no free port${ip ? ` on ${ip}` : ''}. Ask an administrator to add ports.`);
export const cannotDeletePrimary = () => badRequest('You cannot delete the primary allocation for this server.');
export const allocationInUseByProxy = (domains: readonly string[]) =>
  badRequest(`This allocation is the target of the proxy route${domains.length > 1 ? 's' : ''} ${domains.join(', ')}: delete or retarget ${domains.length > 1 ? 'them' : 'it'} first.`);
export const allocationNotFound = () => notFound();
