import type { MailAudience } from '@contracts/mass-mail';
import { nodeExists, softwareExists } from '@db/repositories/mail-audience';
import type { Executor } from '@db/client';
import { validationError } from '../../http/errors';

/** A filter naming a node or software that does not exist is a mistake, not an empty audience: 422 naming it. */
export async function checkAudience(db: Executor, audience: MailAudience): Promise<void> {
  if (audience.node_id !== undefined && !(await nodeExists(db, audience.node_id))) {
    throw validationError('audience.node_id', `There is no node with id ${audience.node_id}.`, 'exists');
  }
  if (audience.software_id !== undefined && !(await softwareExists(db, audience.software_id))) {
    throw validationError('audience.software_id', `There is no software "${audience.software_id}".`, 'exists');
  }
  if (audience.created_after && audience.created_before && Date.parse(audience.created_after) >= Date.parse(audience.created_before)) {
    throw validationError('audience.created_before', 'The created_before date must be later than created_after.', 'after');
  }
}
