import { api } from './http';
import type { ApiKey, Item, List, SshKey } from './types';

const base = '/api/client/account';

export const accountApi = {
  updateEmail: (email: string, password: string) => api.put<void>(`${base}/email`, { email, password }),
  updatePassword: (current: string, password: string, confirmation: string) =>
    api.put<void>(`${base}/password`, { current_password: current, password, password_confirmation: confirmation }),
  twoFactorSetup: async () => (await api.get<{ data: { image_url_data: string; secret: string; otpauth_url?: string } }>(`${base}/two-factor`)).data,
  enableTwoFactor: async (code: string, password: string) =>
    (await api.post<Item<{ tokens: string[] }>>(`${base}/two-factor`, { code, password })).attributes.tokens,
  disableTwoFactor: (password: string) => api.del<void>(`${base}/two-factor`, { password }),
  apiKeys: async () => (await api.get<List<Item<ApiKey>>>(`${base}/api-keys`)).data.map((k) => k.attributes),
  createApiKey: async (description: string, allowedIps: string[]) => {
    const res = await api.post<Item<ApiKey> & { meta: { secret_token: string } }>(`${base}/api-keys`, { description, allowed_ips: allowedIps });
    return { key: res.attributes, secret: res.meta.secret_token };
  },
  deleteApiKey: (identifier: string) => api.del<void>(`${base}/api-keys/${encodeURIComponent(identifier)}`),
  sshKeys: async () => (await api.get<List<Item<SshKey>>>(`${base}/ssh-keys`)).data.map((k) => k.attributes),
  createSshKey: async (name: string, publicKey: string) =>
    (await api.post<Item<SshKey>>(`${base}/ssh-keys`, { name, public_key: publicKey })).attributes,
  removeSshKey: (fingerprint: string) => api.post<void>(`${base}/ssh-keys/remove`, { fingerprint }),
};
