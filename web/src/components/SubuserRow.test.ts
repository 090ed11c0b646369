import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { Subuser } from '@web/api/types';
import SubuserRow from './SubuserRow.vue';

const base: Subuser = {
  uuid: 'u-1', username: 'ada', email: 'ada@example.com', image: '', '2fa_enabled': true, created_at: '2026-01-01T00:00:00Z',
  permissions: ['websocket.connect', 'file.read', 'file.create'], status: 'active', invite_expires_at: null,
};
const mountRow = (user: Partial<Subuser> = {}, props: Partial<{ isSelf: boolean; canEdit: boolean; canDelete: boolean; canResend: boolean }> = {}) =>
  mount(SubuserRow, { props: { user: { ...base, ...user }, isSelf: false, canEdit: true, canDelete: true, canResend: true, ...props } });

describe('SubuserRow', () => {
  it('counts permissions without websocket.connect and labels MFA', () => {
    const row = mountRow();
    expect(row.get('[data-test="count"]').text()).toBe('2 Permissions');
    expect(row.get('[data-test="mfa"]').text()).toBe('MFA Enabled');
    expect(mountRow({ '2fa_enabled': false }).get('[data-test="mfa"]').text()).toBe('MFA Disabled');
  });

  it('offers Edit and Delete on another row but nothing on your own', () => {
    expect(mountRow().findAll('button').map((b) => b.text())).toEqual(['Edit', 'Delete']);
    expect(mountRow({}, { isSelf: true }).findAll('button')).toHaveLength(0);
  });

  it('shows a pending invite with its expiry and a Resend action', () => {
    const row = mountRow({ status: 'invited', invite_expires_at: '2026-12-01T10:00:00Z' });
    expect(row.get('[data-test="pending"]').text()).toMatch(/^Awaiting confirmation · expires .*2026/);
    expect(row.findAll('button').map((b) => b.text())).toEqual(['Resend', 'Edit', 'Delete']);
  });

  it('hides actions the viewer lacks the key for', () => {
    expect(mountRow({ status: 'invited' }, { canEdit: false, canResend: false }).findAll('button').map((b) => b.text())).toEqual(['Delete']);
  });
});
