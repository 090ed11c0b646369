import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { describe, expect, it } from 'vitest';
import { useServerStore } from '@web/stores/useServerStore';
import PowerButtons from './PowerButtons.vue';

describe('PowerButtons', () => {
  it('enable and disable the moment the live permission set changes', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const store = useServerStore();
    store.setPermissions(['websocket.connect', 'control.start']);
    const wrapper = mount(PowerButtons, { props: { status: 'running', connected: true }, global: { plugins: [pinia] } });
    const disabled = (signal: string) => (wrapper.get(`[data-power="${signal}"]`).element as HTMLButtonElement).disabled;
    expect(disabled('stop')).toBe(true);
    expect(disabled('restart')).toBe(true);
    store.setPermissions(['websocket.connect', 'control.*']);
    await nextTick();
    expect(disabled('stop')).toBe(false);
    expect(disabled('restart')).toBe(false);
    await wrapper.setProps({ connected: false });
    expect(disabled('restart')).toBe(true);
  });

  it('offers Kill instead of Stop while stopping, under control.stop', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    useServerStore().setPermissions(['control.stop']);
    const wrapper = mount(PowerButtons, { props: { status: 'stopping', connected: true }, global: { plugins: [pinia] } });
    expect(wrapper.find('[data-power="stop"]').exists()).toBe(false);
    await wrapper.get('[data-power="kill"]').trigger('click');
    expect(wrapper.emitted('power')).toEqual([['kill']]);
  });
});
