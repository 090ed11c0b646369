import type { MailAudience } from '@contracts/mass-mail';
import { api } from './http';
import type { Item, List } from './types';

export type RecipientStatus = 'pending' | 'sending' | 'sent' | 'failed';
export interface MailBlast {
  uuid: string;
  subject: string;
  body: string;
  audience: MailAudience;
  status: 'queued' | 'sending' | 'done';
  recipients: number;
  progress: Record<RecipientStatus, number>;
  throttled_until: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}
export interface EmailLogEntry {
  id: number;
  to: string;
  subject: string;
  status: 'sent' | 'failed';
  error: string | null;
  kind: string;
  blast: string | null;
  created_at: string;
}
export interface MailOptions {
  nodes: Array<{ id: number; name: string }>;
  software: Array<{ id: string; name: string }>;
  tokens: Record<string, string>;
  rate_per_minute: number;
}
export interface MailTemplate { subject: string; body: string }
export interface RenderedMail { subject: string; text: string; html: string }
export interface EmailLogFilter { status?: string; kind?: string; to?: string; page?: number }

const base = '/api/application/mail';

/** The mass-mail admin API (DESIGN §21; docs/mass-mail.md). */
export const massMailApi = {
  options: () => api.get<MailOptions>(`${base}/options`),
  count: (audience: MailAudience) => api.post<{ count: number; sample: string[] }>(`${base}/audience`, { audience }),
  preview: (t: MailTemplate) => api.post<RenderedMail>(`${base}/preview`, t),
  sendTest: (t: MailTemplate) => api.post<{ to: string }>(`${base}/test`, t),
  send: async (t: MailTemplate, audience: MailAudience) => (await api.post<Item<MailBlast>>(`${base}/blasts`, { ...t, audience })).attributes,
  blasts: async () => (await api.get<List<Item<MailBlast>>>(`${base}/blasts`)).data.map((d) => d.attributes),
  log: async (filter: EmailLogFilter) => {
    const list = await api.get<List<Item<EmailLogEntry>>>(`${base}/log`, { ...filter });
    return { entries: list.data.map((d) => d.attributes), total: list.meta?.pagination?.total ?? list.data.length };
  },
};
