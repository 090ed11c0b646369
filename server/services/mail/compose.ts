import type { UserRow } from '@db/schema/users';
import type { AppContext } from '../../context';
import type { TemplateInput } from './inputs';
import { checkTemplate, renderMail, type RenderedMail, type TemplateValues } from './template';

/** The token values for one recipient. */
export function valuesFor(app: AppContext, user: Pick<UserRow, 'username' | 'email' | 'uuid'>): TemplateValues {
  return {
    'user.name': user.username ?? user.email,
    'user.username': user.username ?? '',
    'user.email': user.email,
    'user.uuid': user.uuid,
    'panel.url': app.config.APP_URL ?? '',
  };
}

/** Checks both templates (422 naming the field) before anything is rendered or stored. */
export function checkTemplates(input: TemplateInput): void {
  checkTemplate('subject', input.subject);
  checkTemplate('body', input.body);
}

export function composeFor(app: AppContext, input: TemplateInput, user: Pick<UserRow, 'username' | 'email' | 'uuid'>): RenderedMail {
  return renderMail(input.subject, input.body, valuesFor(app, user));
}
