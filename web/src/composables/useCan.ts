import { compile, hasPermission, type Permission } from '@contracts/permissions';
import { computed } from 'vue';
import { useServerStore } from '@web/stores/useServerStore';

/**
 * `can('file.read')` over the live permission set of the current server. Hiding a control is a courtesy; the
 * server is the guard.
 */
export function useCan() {
  const store = useServerStore();
  const compiled = computed(() => compile(store.permissions));
  return (key: Permission): boolean => hasPermission(compiled.value, key);
}
