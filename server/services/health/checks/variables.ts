import { checkRules, parseRules } from '@contracts/rules';
import { serverSoftware, serverVariables } from '@db/repositories/server-environment';
import type { HealthCheck } from './types';

/** Variables failing their rules (DESIGN §14): a value its software's rules refuse, e.g. after a software switch. */
export const variablesCheck: HealthCheck = {
  name: 'variables',
  async run(app, server) {
    const software = await serverSoftware(app.db, server);
    if (!software) return { status: 'ok', detail: 'The server runs a plain command with no variables.', recommendation: '' };
    const values = await serverVariables(app.db, server, software.definition);
    const failing: string[] = [];
    for (const v of software.definition.variables) {
      let failure;
      try {
        failure = checkRules(parseRules(v.rules), values[v.env_variable] ?? null);
      } catch {
        failure = { rule: 'rules', message: 'its rules cannot be read' };
      }
      if (failure) failing.push(`${v.name} (${v.env_variable}): ${failure.message}`);
    }
    if (!failing.length) return { status: 'ok', detail: `All ${software.definition.variables.length} variables pass their rules.`, recommendation: '' };
    return {
      status: 'fail', detail: `${failing.length} variable${failing.length > 1 ? 's fail their' : ' fails its'} rules: ${failing.join('; ')}.`,
      recommendation: 'Correct the values on the Startup tab; the server may not start with them.',
    };
  },
};
