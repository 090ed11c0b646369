import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import type { LoginResult } from './auth';
import { api } from './http';
import type { Item, List } from './types';

export interface Passkey {
  uuid: string;
  name: string;
  device_type: string;
  backed_up: boolean;
  last_used_at: string | null;
  created_at: string;
}
export type PasskeyAvailability = { enabled: true; rp_id: string } | { enabled: false; reason: string };

const base = '/api/client/account/passkeys';

/** Passkeys (DESIGN §22): the browser ceremony runs through @simplewebauthn/browser, the server judges the result. */
export const passkeysApi = {
  list: async () => {
    const res = await api.get<List<Item<Passkey>> & { meta: PasskeyAvailability }>(base);
    return { passkeys: res.data.map((p) => p.attributes), availability: res.meta };
  },
  /** Asks the authenticator for a new credential and stores it under `name`. */
  enrol: async (name: string, password: string) => {
    const { data } = await api.post<{ data: { options: PublicKeyCredentialCreationOptionsJSON } }>(`${base}/options`, { password });
    const credential = await startRegistration({ optionsJSON: data.options });
    return (await api.post<Item<Passkey>>(base, { name, credential })).attributes;
  },
  rename: async (uuid: string, name: string) => (await api.put<Item<Passkey>>(`${base}/${encodeURIComponent(uuid)}`, { name })).attributes,
  remove: (uuid: string, password: string) => api.del<void>(`${base}/${encodeURIComponent(uuid)}`, { password }),
  /** A passwordless sign-in with a discoverable passkey. */
  signIn: async () => {
    const { data } = await api.post<{ data: { options: PublicKeyCredentialRequestOptionsJSON } }>('/auth/passkey/options');
    const credential = await startAuthentication({ optionsJSON: data.options });
    return (await api.post<{ data: LoginResult }>('/auth/passkey', { credential })).data;
  },
  /** The second-factor step of a password sign-in. */
  checkpoint: async (confirmationToken: string) => {
    const { data } = await api.post<{ data: { options: PublicKeyCredentialRequestOptionsJSON } }>('/auth/login/checkpoint/passkey', { confirmation_token: confirmationToken });
    const passkey = await startAuthentication({ optionsJSON: data.options });
    return (await api.post<{ data: LoginResult }>('/auth/login/checkpoint', { confirmation_token: confirmationToken, passkey })).data;
  },
  /** The owner's 2FA requirement for a server's subusers. */
  setServerPolicy: (server: string, enabled: boolean) =>
    api.post<void>(`/api/client/servers/${encodeURIComponent(server)}/settings/require-2fa`, { enabled }),
};
