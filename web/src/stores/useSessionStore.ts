import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { authApi, type LoginResult } from '@web/api/auth';
import { ApiError } from '@web/api/http';
import type { Account } from '@web/api/types';

/** The signed-in account (or null), loaded once from /api/client/account. */
export const useSessionStore = defineStore('session', () => {
  const account = ref<Account | null>(null);
  const loaded = ref(false);
  const signedIn = computed(() => account.value !== null);

  async function load(force = false): Promise<Account | null> {
    if (loaded.value && !force) return account.value;
    try {
      account.value = await authApi.account();
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 404)) throw err;
      account.value = null;
    }
    loaded.value = true;
    return account.value;
  }

  async function settle(result: LoginResult): Promise<LoginResult> {
    if (result.complete) await load(true);
    return result;
  }

  const login = async (user: string, password: string) => settle(await authApi.login(user, password));
  const checkpoint = async (token: string, code: Parameters<typeof authApi.checkpoint>[1]) => settle(await authApi.checkpoint(token, code));
  /** Settles a sign-in finished elsewhere (a passkey ceremony). */
  const settled = (result: LoginResult) => settle(result);

  async function logout(): Promise<void> {
    await authApi.logout().catch(() => undefined);
    account.value = null;
  }

  function patch(changes: Partial<Account>) {
    if (account.value) account.value = { ...account.value, ...changes };
  }

  return { account, loaded, signedIn, load, login, checkpoint, settled, logout, patch };
});
