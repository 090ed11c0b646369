import { badRequest, httpError, validationError } from '../../http/errors';

export const proxyLimitReached = () =>
  badRequest('Cannot create additional proxy routes for this server: limit has been reached.', { limit: 'proxy_limit' });
export const proxyDisabled = () => httpError(501, 'NotImplementedHttpException',
  'Proxy routes are unavailable: the reverse proxy is not enabled on this panel (the operator sets PROXY_PORT).');
export const domainTaken = () => validationError('domain', 'The domain has already been taken.', 'unique');
export const panelDomain = () => validationError('domain', "The domain is the panel's own address.", 'not_in');
export const notOwnAllocation = () =>
  validationError('allocation_id', 'The allocation must be one of this server\'s own allocations.', 'exists');
