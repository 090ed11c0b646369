import type { AppContext } from '../../context';
import type { Actor } from '../../http/types';
import { checkTemplates, composeFor } from './compose';
import type { TemplateInput } from './inputs';
import { requireMailSender } from './mail-admin';
import type { RenderedMail } from './template';

/** The message as the actor would receive it (the same rendering a blast uses). */
export function previewMail(app: AppContext, actor: Actor, input: TemplateInput): RenderedMail {
  requireMailSender(actor);
  checkTemplates(input);
  return composeFor(app, input, actor.user);
}
