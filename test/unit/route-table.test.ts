import { describe, expect, it } from 'vitest';
import { RouteTable } from '@server/http/route-table';

describe('RouteTable', () => {
  it('the route declared first wins when a static and a :param path both match, either way round', () => {
    const a = new RouteTable<string>();
    a.add('GET', '/x/:id', 'param');
    a.add('GET', '/x/list', 'static');
    expect(a.match('GET', '/x/list')?.value).toBe('param');
    const b = new RouteTable<string>();
    b.add('GET', '/x/list', 'static');
    b.add('GET', '/x/:id', 'param');
    expect(b.match('GET', '/x/list')?.value).toBe('static');
    expect(b.match('GET', '/x/other')).toEqual({ value: 'param', params: { id: 'other' } });
  });

  it('backtracks: a static branch that dead-ends falls back to the :param branch', () => {
    const t = new RouteTable<string>();
    t.add('GET', '/s/files/list', 'files');
    t.add('GET', '/s/:server/list', 'server list');
    expect(t.match('GET', '/s/files/list')?.value).toBe('files');
    expect(t.match('GET', '/s/files/nope')).toBeNull();
    expect(t.match('GET', '/s/abc/list')).toEqual({ value: 'server list', params: { server: 'abc' } });
  });

  it('matches by method, HEAD through GET, decodes params, refuses empty segments', () => {
    const t = new RouteTable<string>();
    t.add('GET', '/u/:user', 'get');
    t.add('POST', '/u/:user', 'post');
    expect(t.match('POST', '/u/a')?.value).toBe('post');
    expect(t.match('HEAD', '/u/a')?.value).toBe('get');
    expect(t.match('DELETE', '/u/a')).toBeNull();
    expect(t.match('GET', '/u/a%20b')?.params).toEqual({ user: 'a b' });
    expect(t.match('GET', '/u/')).toBeNull();
    expect(t.match('GET', '/u')).toBeNull();
    expect(() => t.match('GET', '/u/%E0%A4%A')).toThrow(URIError);
    expect(t.methods('/u/x')).toEqual(['GET', 'HEAD', 'POST']);
  });

  it('refuses path syntax it does not implement', () => {
    expect(() => new RouteTable().add('GET', '/files/*rest', 1)).toThrow(/unsupported/);
    expect(() => new RouteTable().add('GET', '/a/:b?', 1)).toThrow(/unsupported/);
  });
});
