import { randomUUID } from 'node:crypto';
import type { Fixture } from './fixtures';

/**
 * The remote API Wings calls (DESIGN §19) is authenticated by a node token, which no matrix caller holds: these only
 * fill `:uuid`, and the matrix checks each route answers an anonymous caller without the user guard (not 401).
 * Node authentication and ownership are tested in test/integration/wings-remote.test.ts.
 */
export const REMOTE_FIXTURES: Record<string, Fixture> = {
  'GET /api/remote/servers/:uuid': (s) => ({ params: { uuid: s.server.uuid } }),
  'GET /api/remote/servers/:uuid/install': (s) => ({ params: { uuid: s.server.uuid } }),
  'POST /api/remote/servers/:uuid/install': (s) => ({ params: { uuid: s.server.uuid }, body: { successful: true, reinstall: false } }),
  'POST /api/remote/backups/:uuid': () => ({ params: { uuid: randomUUID() }, body: { successful: true, checksum: 'abc', checksum_type: 'sha1', size: 1 } }),
  'POST /api/remote/backups/:uuid/restore': () => ({ params: { uuid: randomUUID() }, body: { successful: true } }),
};
