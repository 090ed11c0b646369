import type { Permission } from '@contracts/permissions';
import { POWER_ACTIONS, POWER_PERMISSION, type PowerSignal } from '@contracts/socket';
import type { TaskAction } from '@db/schema/schedules';
import type { AppContext } from '../../context';
import { validationError } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { createBackup } from '../backups/create-backup';
import { sendConsoleCommand } from '../send-console-command';
import { sendPowerSignal } from '../send-power-signal';

/**
 * What each task action needs and does (DESIGN §16, contracts). The key is checked for the actor when a task is
 * saved or a schedule is run by hand, and for the run's user (the last saver) before every run: a task never does
 * more than that user could do by hand.
 */
export interface TaskActionDef {
  /** The key the action needs (power: per signal). The payload has passed `validate`. */
  permission(payload: string): Permission;
  /** Normalises and checks the payload at save time: throws a 422 naming `payload` (or `action`). */
  validate(payload: string | null | undefined): string;
  run(app: AppContext, actor: Actor, access: ServerAccess, payload: string): Promise<void>;
}

const isSignal = (s: string): s is PowerSignal => (POWER_ACTIONS as readonly string[]).includes(s);

export const TASK_ACTION_DEFS: Readonly<Record<TaskAction, TaskActionDef>> = {
  command: {
    permission: () => 'control.console',
    validate: (payload) => {
      const line = (payload ?? '').trim();
      if (!line) throw validationError('payload', 'The payload field is required: the console command to send.', 'required');
      if (/[\r\n\0]/.test(line)) throw validationError('payload', 'The payload field must be a single line.', 'regex');
      return line;
    },
    run: (app, actor, access, payload) => sendConsoleCommand(app, actor, access, payload),
  },
  power: {
    permission: (payload) => (isSignal(payload) ? POWER_PERMISSION[payload] : 'control.stop'),
    validate: (payload) => {
      const signal = (payload ?? '').trim();
      if (!isSignal(signal)) throw validationError('payload', `The payload field must be one of ${POWER_ACTIONS.join(', ')}.`, 'in');
      return signal;
    },
    run: async (app, actor, access, payload) => {
      if (!isSignal(payload)) throw new Error(`stored power task has signal "${payload}"`);
      await sendPowerSignal(app, actor, access, payload);
    },
  },
  // As Pterodactyl: the payload is the backup's ignored files (gitignore lines; empty → the server's .pteroignore).
  // createBackup checks backup.create, the limit and the throttle itself, as for a backup made by hand.
  backup: {
    permission: () => 'backup.create',
    validate: (payload) => {
      const ignored = (payload ?? '').trim();
      if (ignored.length > 10_000) throw validationError('payload', 'The payload field may hold at most 10,000 characters of ignored files.', 'max');
      return ignored;
    },
    run: async (app, actor, access, payload) => { await createBackup(app, actor, access, { ignored: payload }); },
  },
};
