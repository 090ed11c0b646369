import type { MailMessage } from './mailer';

/** The mails of the subuser flows, as plain text plus a minimal escaped HTML twin. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function html(paragraphs: string[], link: { href: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  return `<!doctype html><html><body>${body}\n<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p></body></html>`;
}

export interface InviteMailInput {
  readonly to: string;
  readonly serverName: string;
  readonly inviter: string;
  readonly link: string;
  readonly expiresAt: Date;
}

export function inviteMail(input: InviteMailInput): MailMessage {
  const lines = [
    `${input.inviter} invited you to help manage the server "${input.serverName}".`,
    'Follow the link below to choose a username and password and join the server.',
    `The link can be used once and expires on ${input.expiresAt.toUTCString()}.`,
  ];
  return message(input.to, `You have been invited to ${input.serverName}`, lines, input.link, 'Accept the invite', 'invite');
}

export interface AddedMailInput {
  readonly to: string;
  readonly serverName: string;
  readonly inviter: string;
  readonly link: string;
}

export function addedToServerMail(input: AddedMailInput): MailMessage {
  const lines = [
    `${input.inviter} added you as a subuser of the server "${input.serverName}".`,
    'Sign in with your existing account to use it.',
  ];
  return message(input.to, `You have been added to ${input.serverName}`, lines, input.link, 'Open the server', 'subuser-added');
}

/** Plain text and HTML of the same paragraphs, ending in the one link the recipient needs. */
function message(to: string, subject: string, lines: readonly string[], link: string, label: string, kind: string): MailMessage {
  return { to, subject, text: `${lines.join('\n\n')}\n\n${link}\n`, html: html([...lines], { href: link, label }), link, log: { kind } };
}
