import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { Permission } from '@contracts/permissions';
import { ASSIGNABLE_KEYS, PRESETS } from '@contracts/presets';
import PermissionGrid from './PermissionGrid.vue';

/** Mounts the grid with a v-model that behaves like a parent page's ref. */
function mountGrid(initial: Permission[], granter: string[]) {
  const wrapper = mount(PermissionGrid, {
    props: {
      modelValue: initial,
      granter,
      'onUpdate:modelValue': (value: Permission[]) => { void wrapper.setProps({ modelValue: value }); },
    },
  });
  const model = () => wrapper.props('modelValue') as Permission[];
  const box = (key: string) => wrapper.get(`[data-key="${key}"] input`);
  return { wrapper, model, box };
}

const subuserGrants = ['websocket.connect', 'user.create', 'user.read', 'user.update', 'user.delete', 'file.read', 'file.read-content', 'file.create'];

describe('PermissionGrid', () => {
  it('disables exactly the keys the granter does not hold and shows the Permission Restriction notice', () => {
    const { wrapper } = mountGrid([], subuserGrants);
    const disabled = wrapper.findAll('[data-key] input').filter((i) => (i.element as HTMLInputElement).disabled)
      .map((i) => i.element.closest('[data-key]')?.getAttribute('data-key'));
    const held = new Set(subuserGrants);
    expect(disabled.sort()).toEqual(ASSIGNABLE_KEYS.filter((k) => !held.has(k)).sort());
    expect(wrapper.get('[data-test="restriction-notice"]').text()).toContain('Permission Restriction');
    expect(wrapper.text().toLowerCase()).toContain('you can only assign permissions that you currently have access to');
  });

  it('shows no restriction to an owner holding *', () => {
    const { wrapper } = mountGrid([], ['*']);
    expect(wrapper.find('[data-test="restriction-notice"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-key] input').every((i) => !(i.element as HTMLInputElement).disabled)).toBe(true);
  });

  it('hides the websocket category', () => {
    const { wrapper } = mountGrid([], ['*']);
    expect(wrapper.find('[data-category="websocket"]').exists()).toBe(false);
    expect(wrapper.find('[data-key="websocket.connect"]').exists()).toBe(false);
  });

  it('top Select All selects only assignable keys and keeps locked keys as they were', async () => {
    const { wrapper, model } = mountGrid(['backup.read'], subuserGrants);
    await wrapper.get('[data-test="select-all"]').trigger('click');
    expect(model()).toEqual(['backup.read', 'user.create', 'user.read', 'user.update', 'user.delete', 'file.create', 'file.read', 'file.read-content']
      .sort((a, b) => ASSIGNABLE_KEYS.indexOf(a as Permission) - ASSIGNABLE_KEYS.indexOf(b as Permission)));
    expect(wrapper.get('[data-test="select-all"]').text()).toBe('Deselect All');
    await wrapper.get('[data-test="select-all"]').trigger('click');
    expect(model()).toEqual(['backup.read']);
  });

  it('a locked toggle cannot be changed and keeps its value through a card Deselect All', async () => {
    const { wrapper, model, box } = mountGrid(['file.read', 'file.delete'], subuserGrants);
    expect((box('file.delete').element as HTMLInputElement).checked).toBe(true);
    expect((box('file.delete').element as HTMLInputElement).disabled).toBe(true);
    await wrapper.get('[data-category="file"] [data-test="card-select-all"]').trigger('click');
    expect(model()).toEqual(['file.create', 'file.read', 'file.read-content', 'file.delete']);
    await wrapper.get('[data-category="file"] [data-test="card-select-all"]').trigger('click');
    expect(model()).toEqual(['file.delete']);
  });

  it('asks before granting a sensitive key, and grants nothing when cancelled', async () => {
    const { wrapper, model, box } = mountGrid([], ['*']);
    expect(wrapper.find('[data-key="backup.download"] [data-test="sensitive"]').exists()).toBe(true);
    await box('backup.download').setValue(true);
    expect(model()).toEqual([]);
    expect((box('backup.download').element as HTMLInputElement).checked).toBe(false);
    expect(wrapper.get('[role="dialog"]').text()).toContain('backup.download');
    await wrapper.get('[role="dialog"] .btn:not([data-test])').trigger('click');
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(model()).toEqual([]);
    await box('backup.download').setValue(true);
    await wrapper.get('[data-test="dialog-confirm"]').trigger('click');
    expect(model()).toEqual(['backup.download']);
    expect((box('backup.download').element as HTMLInputElement).checked).toBe(true);
  });

  it('grants a plain key without asking', async () => {
    const { wrapper, model, box } = mountGrid([], ['*']);
    await box('control.console').setValue(true);
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    expect(model()).toEqual(['control.console']);
  });

  it('applies presets only within the keys the granter holds', async () => {
    const { wrapper, model } = mountGrid(['control.start'], subuserGrants);
    await wrapper.get('[data-preset="viewer"]').trigger('click');
    // Viewer = every *.read but user.read, plus file.read-content; the granter holds only file.read and file.read-content of those.
    expect(model()).toEqual(['control.start', 'file.read', 'file.read-content']);
    await wrapper.get('[data-preset="co-owner"]').trigger('click');
    expect(model()).toEqual(['control.start', ...subuserGrants.filter((k) => k !== 'websocket.connect')]
      .sort((a, b) => ASSIGNABLE_KEYS.indexOf(a as Permission) - ASSIGNABLE_KEYS.indexOf(b as Permission)));
  });

  it('asks before a preset that adds sensitive keys for an owner', async () => {
    const { wrapper, model } = mountGrid([], ['*']);
    await wrapper.get('[data-preset="co-owner"]').trigger('click');
    expect(model()).toEqual([]);
    expect(wrapper.get('[role="dialog"]').text()).toContain('settings.reinstall');
    await wrapper.get('[data-test="dialog-confirm"]').trigger('click');
    expect(model()).toEqual([...PRESETS['co-owner'].keys]);
  });
});
