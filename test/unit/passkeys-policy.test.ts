import { describe, expect, it } from 'vitest';
import { twoFactorBlock } from '@contracts/two-factor';
import { relyingPartyFor } from '@server/services/passkeys/relying-party';

describe('the relying party from APP_URL', () => {
  it('binds passkeys to the host name and origin of a domain', () => {
    expect(relyingPartyFor('https://panel.example.com/')).toEqual({ enabled: true, rpID: 'panel.example.com', origin: 'https://panel.example.com', name: 'Cohost' });
    expect(relyingPartyFor('http://localhost:8080')).toMatchObject({ enabled: true, rpID: 'localhost', origin: 'http://localhost:8080' });
  });

  it('is off at an IP address, v4 or v6, saying why', () => {
    for (const url of ['http://127.0.0.1:8080', 'https://203.0.113.7', 'http://[::1]:8080']) {
      const rp = relyingPartyFor(url);
      expect(rp.enabled, url).toBe(false);
      if (!rp.enabled) expect(rp.reason).toMatch(/IP address.*domain name/);
    }
  });

  it('is off on plain http for anything but localhost', () => {
    const rp = relyingPartyFor('http://panel.example.com');
    expect(rp.enabled).toBe(false);
    if (!rp.enabled) expect(rp.reason).toMatch(/https/);
  });
});

describe('the two-factor policy', () => {
  const user = { id: 1, rootAdmin: false, totpEnabled: false, passkeyCount: 0, requireTwoFactor: false };
  const server = { ownerId: 2, requireTwoFactor: true };

  it('binds a subuser without a second factor on a server that requires it', () => {
    expect(twoFactorBlock(user, server)).toBe('server');
    expect(twoFactorBlock({ ...user, totpEnabled: true }, server)).toBeNull();
    expect(twoFactorBlock({ ...user, passkeyCount: 1 }, server)).toBeNull();
    expect(twoFactorBlock(user, { ...server, requireTwoFactor: false })).toBeNull();
  });

  it('does not bind the owner or a root admin by a server policy, but an admin enforcement binds everyone', () => {
    expect(twoFactorBlock(user, { ...server, ownerId: 1 })).toBeNull();
    expect(twoFactorBlock({ ...user, rootAdmin: true }, server)).toBeNull();
    expect(twoFactorBlock({ ...user, rootAdmin: true, requireTwoFactor: true }, server)).toBe('account');
    expect(twoFactorBlock({ ...user, requireTwoFactor: true })).toBe('account');
  });
});
