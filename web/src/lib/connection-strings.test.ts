import { describe, expect, it } from 'vitest';
import type { ServerDatabase } from '@web/api/databases';
import { connectionStrings } from './connection-strings';

const db = (password: string | null): ServerDatabase => ({
  id: 'abcdEFGH', host: { address: '10.0.0.5', port: 3307 }, name: 's12_world', username: 'u12_abcdefghij',
  connections_from: '%', max_connections: 0,
  relationships: { password: password === null ? { object: 'null_resource', attributes: null } : { object: 'database_password', attributes: { password } } },
});

describe('connection strings', () => {
  it('carry the password only when the viewer may see it', () => {
    expect(connectionStrings(db('p-w.d~X_1'))).toEqual({
      jdbc: 'jdbc:mysql://u12_abcdefghij:p-w.d~X_1@10.0.0.5:3307/s12_world',
      url: 'mysql://u12_abcdefghij:p-w.d~X_1@10.0.0.5:3307/s12_world',
    });
    expect(connectionStrings(db(null)).jdbc).toBe('jdbc:mysql://u12_abcdefghij@10.0.0.5:3307/s12_world');
  });

  it('encodes characters a URL cannot hold', () => {
    expect(connectionStrings(db('a@b:c/d')).url).toBe('mysql://u12_abcdefghij:a%40b%3Ac%2Fd@10.0.0.5:3307/s12_world');
  });
});
