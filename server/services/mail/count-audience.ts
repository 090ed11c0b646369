import type { MailAudience } from '@contracts/mass-mail';
import { countAudience, listAudience } from '@db/repositories/mail-audience';
import type { AppContext } from '../../context';
import type { Actor } from '../../http/types';
import { checkAudience } from './check-audience';
import { audienceFilter } from './inputs';
import { requireMailSender } from './mail-admin';

/** The live count of the compose page: how many accounts the filter reaches now, and the first few of them. */
export async function countMailAudience(app: AppContext, actor: Actor, audience: MailAudience): Promise<{ count: number; sample: string[] }> {
  requireMailSender(actor);
  await checkAudience(app.db, audience);
  const filter = audienceFilter(audience);
  const [count, sample] = await Promise.all([countAudience(app.db, filter), listAudience(app.db, filter, 5)]);
  return { count, sample: sample.map((m) => m.email) };
}
