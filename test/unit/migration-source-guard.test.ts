import { describe, expect, it } from 'vitest';
import { isPublicAddress, literalHostAllowed } from '@server/services/migration/source-guard';

describe('migration sources on private networks', () => {
  it('counts only ordinary public unicast addresses as public', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '::1', 'fe80::1', 'fc00::1', '::ffff:127.0.0.1', '224.0.0.1']) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
    for (const ip of ['1.1.1.1', '93.184.216.34', '2606:4700:4700::1111']) expect(isPublicAddress(ip), ip).toBe(true);
  });

  it('refuses literal private hosts unless allowed; names are judged at connect time', () => {
    expect(literalHostAllowed('127.0.0.1', false)).toBe(false);
    expect(literalHostAllowed('[::1]', false)).toBe(false);
    expect(literalHostAllowed('127.0.0.1', true)).toBe(true);
    expect(literalHostAllowed('old-host.example', false)).toBe(true);
    expect(literalHostAllowed('8.8.8.8', false)).toBe(true);
  });
});
