import { route } from '../http/manifest';
import { startSession } from '../auth/session-login';
import { acceptInvite, viewInvite } from '../services/subusers/accept-invite';
import { acceptInviteBody, inviteToken } from '../services/subusers/inputs';
import { userItem } from '../services/transformers';
import { inviteNotFound } from '../services/subusers/errors';

function token(params: Readonly<Record<string, string>>): string {
  const parsed = inviteToken.safeParse(params.token);
  if (!parsed.success) throw inviteNotFound();
  return parsed.data;
}

/**
 * The public invite pages' API: show an invite, accept it (sets username + password, then signs in). Like
 * `/auth/login`, accepting needs no XSRF token (visitors have no session yet); a cross-site form cannot forge it
 * anyway, because only an `application/json` body is parsed.
 */
export const inviteRoutes = [
  route({
    method: 'GET', path: '/api/invites/:token', need: 'public',
    handler: async ({ app, params }) => viewInvite(app, token(params)),
  }),
  route({
    method: 'POST', path: '/api/invites/:token/accept', need: 'public', body: acceptInviteBody,
    handler: async ({ app, req, res, params, body }) => {
      const user = await acceptInvite(app, token(params), body, { ip: req.ip ?? '', userAgent: (req.get('user-agent') ?? '').slice(0, 500) });
      await startSession(req, res, user);
      return { data: { complete: true, intended: '/', user: userItem(user).attributes } };
    },
  }),
];
