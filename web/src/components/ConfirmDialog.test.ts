import { mount } from '@vue/test-utils';
import { nextTick } from 'vue';
import { describe, expect, it } from 'vitest';
import ConfirmDialog from './ConfirmDialog.vue';

describe('ConfirmDialog', () => {
  it('is a labelled modal that focuses Cancel, cancels on Escape and confirms with its own words', async () => {
    const wrapper = mount(ConfirmDialog, {
      props: { open: false, title: 'Remove ada?', confirmLabel: 'Remove ada', danger: true },
      slots: { default: 'All access to the server will be removed immediately.' },
      attachTo: document.body,
    });
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false);
    await wrapper.setProps({ open: true });
    await nextTick();
    await nextTick();
    const dialog = wrapper.get('[role="dialog"]');
    expect(dialog.attributes('aria-modal')).toBe('true');
    expect(document.getElementById(dialog.attributes('aria-labelledby') ?? '')?.textContent).toBe('Remove ada?');
    expect(document.activeElement?.textContent?.trim()).toBe('Cancel');
    await wrapper.get('.dialog-backdrop').trigger('keydown', { key: 'Escape' });
    expect(wrapper.emitted('cancel')).toHaveLength(1);
    await wrapper.get('[data-test="dialog-confirm"]').trigger('click');
    expect(wrapper.get('[data-test="dialog-confirm"]').text()).toBe('Remove ada');
    expect(wrapper.emitted('confirm')).toHaveLength(1);
    wrapper.unmount();
  });
});
