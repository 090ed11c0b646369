/**
 * Mass mail (DESIGN §21), shared by the server and the admin page: the audience filter and the tokens a subject or
 * body may use. Tokens are mustache variables (`{{ user.name }}`); nothing else of mustache is accepted.
 */
export interface MailAudience {
  /** Users with a server (owned, or an active subuser of it) on this node. */
  readonly node_id?: number | undefined;
  /** Users with a server running this software. */
  readonly software_id?: string | undefined;
  /** true: users with at least one server; false: users with none. */
  readonly has_servers?: boolean | undefined;
  /** ISO-8601 instants: accounts created strictly after / before. */
  readonly created_after?: string | undefined;
  readonly created_before?: string | undefined;
  /** true: root admins only; false: everyone but root admins. */
  readonly admin?: boolean | undefined;
}

export const MAIL_TOKENS = {
  'user.name': 'The recipient\'s username (their email when they have none)',
  'user.username': 'The recipient\'s username',
  'user.email': 'The recipient\'s email address',
  'user.uuid': 'The recipient\'s account id',
  'panel.url': 'The panel\'s address (APP_URL)',
} as const;
export type MailToken = keyof typeof MAIL_TOKENS;
export const MAIL_TOKEN_NAMES = Object.keys(MAIL_TOKENS) as MailToken[];

export const MAIL_SUBJECT_MAX = 255;
export const MAIL_BODY_MAX = 50_000;
