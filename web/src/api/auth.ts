import { api } from './http';
import type { Account, Invite, Item } from './types';

export type LoginResult = { complete: true; intended?: string; user: Account }
  | { complete: false; confirmation_token: string; methods?: Array<'totp' | 'recovery' | 'passkey'> };

export const authApi = {
  login: async (user: string, password: string) =>
    (await api.post<{ data: LoginResult }>('/auth/login', { user, password })).data,
  checkpoint: async (confirmationToken: string, code: { authentication_code: string } | { recovery_token: string }) =>
    (await api.post<{ data: LoginResult }>('/auth/login/checkpoint', { confirmation_token: confirmationToken, ...code })).data,
  logout: () => api.post<void>('/auth/logout'),
  account: async () => (await api.get<Item<Account>>('/api/client/account')).attributes,
  invite: async (token: string) => (await api.get<Item<Invite>>(`/api/invites/${encodeURIComponent(token)}`)).attributes,
  acceptInvite: (token: string, username: string, password: string) =>
    api.post<unknown>(`/api/invites/${encodeURIComponent(token)}/accept`, { username, password }),
};
