import { nextTick, watch, type Ref } from 'vue';

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

/**
 * Keyboard behaviour of a modal: focus moves into it when it opens (to `initial`, else the first control), Tab and
 * Shift+Tab cycle inside it, and focus returns to the control that opened it when it closes.
 */
export function useDialogFocus(open: () => boolean, root: Ref<HTMLElement | null>, initial?: Ref<HTMLElement | null>) {
  let opener: HTMLElement | null = null;

  watch(open, async (isOpen) => {
    if (isOpen) {
      opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      await nextTick();
      (initial?.value ?? root.value?.querySelector<HTMLElement>(FOCUSABLE))?.focus();
    } else {
      opener?.focus();
      opener = null;
    }
  });

  function trap(event: KeyboardEvent) {
    if (event.key !== 'Tab' || !root.value) return;
    const items = [...root.value.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return { trap };
}
