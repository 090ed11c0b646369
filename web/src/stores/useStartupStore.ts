import { defineStore } from 'pinia';
import { ref } from 'vue';
import { messageOf } from '@web/api/http';
import { startupApi, type EggVariable, type StartupMeta } from '@web/api/startup';

/** The Startup tab's data: the viewable variables and the command, images and software around them. */
export const useStartupStore = defineStore('startup', () => {
  const variables = ref<EggVariable[]>([]);
  const meta = ref<StartupMeta | null>(null);
  const error = ref('');
  const loading = ref(false);

  async function load(server: string): Promise<void> {
    loading.value = true;
    error.value = '';
    try {
      const list = await startupApi.get(server);
      variables.value = list.data.map((d) => d.attributes);
      meta.value = list.meta;
    } catch (err) {
      error.value = messageOf(err);
    } finally {
      loading.value = false;
    }
  }

  /** A saved variable: its new value and the command rendered with it. */
  function applyVariable(variable: EggVariable, startupCommand: string): void {
    variables.value = variables.value.map((v) => (v.env_variable === variable.env_variable ? variable : v));
    if (meta.value) meta.value = { ...meta.value, startup_command: startupCommand };
  }

  function applyCommand(raw: string, rendered: string): void {
    if (meta.value) meta.value = { ...meta.value, raw_startup_command: raw, startup_command: rendered };
  }

  function applyImage(image: string): void {
    if (meta.value) meta.value = { ...meta.value, docker_image: image };
  }

  return { variables, meta, error, loading, load, applyVariable, applyCommand, applyImage };
});
