import { ref } from 'vue';
import { ApiError, messageOf } from '@web/api/http';

/**
 * Submission state for a form: `busy`, a general `error`, and `fields` (server errors keyed by `meta.source_field`)
 * so each message can sit next to its input.
 */
export function useForm() {
  const busy = ref(false);
  const error = ref('');
  const fields = ref<Record<string, string>>({});

  async function submit<T>(action: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    busy.value = true;
    error.value = '';
    fields.value = {};
    try {
      return { ok: true, value: await action() };
    } catch (err) {
      if (err instanceof ApiError) {
        fields.value = err.fields;
        const unplaced = err.errors.filter((e) => !e.meta?.source_field);
        error.value = unplaced.map((e) => e.detail).join(' ') || (Object.keys(fields.value).length ? '' : err.message);
      } else error.value = messageOf(err);
      return { ok: false };
    } finally {
      busy.value = false;
    }
  }

  return { busy, error, fields, submit };
}
