import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@server/config';

describe('configuration', () => {
  it('needs nothing: every variable has a default', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8080);
    expect(c.SFTP_PORT).toBe(2022);
    expect(c.DATA_DIR).toBe('./.data');
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.INVITE_TTL_HOURS).toBe(72);
  });
  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).PORT).toBe(8080);
  });
  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x/y' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET: must be at least 32/);
    expect(() => loadConfig({ APP_URL: 'ftp://x' })).toThrow(/APP_URL/);
  });
  it('parses numbers and flags', () => {
    const c = loadConfig({ PORT: '9000', TRUST_PROXY: 'true', REDIS_URL: 'redis://127.0.0.1:6380' });
    expect(c.PORT).toBe(9000);
    expect(c.TRUST_PROXY).toBe(true);
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6380');
  });
});
