import { describe, expect, it } from 'vitest';
import { doneMatcher, renderStartupForDisplay, renderStartupForShell, softwareDefinitionSchema } from '@contracts/software';
import { loadBundledDefinitions } from '@server/services/startup/bundled';
import { definitionToEgg, EggFormatError, eggToDefinition } from '@server/services/startup/egg-format';

/** A Pterodactyl Paper egg as the panel exports it (PTDL_v2), trimmed to what matters. */
const paperEgg = {
  _comment: 'DO NOT EDIT: FILE GENERATED AUTOMATICALLY BY PTERODACTYL PANEL - PTERODACTYL.IO',
  meta: { version: 'PTDL_v2', update_url: null },
  exported_at: '2024-01-01T00:00:00+00:00',
  name: 'Paper', author: 'parker@pterodactyl.io', description: 'High performance Spigot fork.',
  features: ['eula', 'java_version', 'pid_limit'],
  docker_images: { 'Java 21': 'ghcr.io/pterodactyl/yolks:java_21', 'Java 17': 'ghcr.io/pterodactyl/yolks:java_17' },
  file_denylist: [],
  startup: 'java -Xms128M -Xmx{{SERVER_MEMORY}}M -Dterminal.jline=false -jar {{SERVER_JARFILE}}',
  config: {
    files: '{\r\n    "server.properties": {\r\n        "parser": "properties"\r\n    }\r\n}',
    startup: '{\r\n    "done": ")! For help, type "\r\n}', logs: '{}', stop: 'stop',
  },
  scripts: { installation: { script: '#!/bin/ash\r\ncd /mnt/server\r\necho hi', container: 'ghcr.io/pterodactyl/installers:alpine', entrypoint: 'ash' } },
  variables: [
    { name: 'Minecraft Version', description: 'The version', env_variable: 'MINECRAFT_VERSION', default_value: 'latest', user_viewable: true, user_editable: true, rules: 'nullable|string|max:20', field_type: 'text' },
    { name: 'Server Jar File', description: 'The jar', env_variable: 'SERVER_JARFILE', default_value: 'server.jar', user_viewable: 1, user_editable: 0, rules: 'required|regex:/^([\\w\\d._-]+)(\\.jar)$/', field_type: 'text' },
  ],
};

describe('software definitions', () => {
  it('every bundled definition validates, and the four the issue names are there', () => {
    const ids = loadBundledDefinitions().map((d) => d.id);
    expect(ids).toEqual(expect.arrayContaining(['sample-game', 'generic', 'paper', 'node-app']));
  });

  it('refuses a definition with a bad rule, a reserved or duplicate variable, or no image, naming the field', () => {
    const base = loadBundledDefinitions().find((d) => d.id === 'sample-game');
    const bad = (patch: object) => softwareDefinitionSchema.safeParse({ ...base, ...patch }).error?.issues.map((i) => i.path.join('.'));
    const variable = { name: 'X', env_variable: 'X', default_value: '', user_viewable: true, user_editable: true, rules: 'required' };
    expect(bad({ variables: [{ ...variable, rules: 'required|size:4' }] })).toEqual(['variables.0.rules']);
    expect(bad({ variables: [{ ...variable, env_variable: 'SERVER_PORT' }] })).toEqual(['variables.0.env_variable']);
    expect(bad({ variables: [variable, variable] })).toEqual(['variables.1.env_variable']);
    expect(bad({ docker_images: {} })).toEqual(['docker_images']);
    expect(bad({ stop: { type: 'signal', value: 'SIGFOO' } })).toEqual(['stop.value']);
    expect(bad({ done: '/([/' })).toEqual(['done']);
  });

  it('imports a PTDL_v2 egg: images, startup, done, stop, install script, variables with 0/1 flags', () => {
    const { definition, dropped } = eggToDefinition(paperEgg);
    const d = softwareDefinitionSchema.parse(definition);
    expect(d).toMatchObject({
      id: 'paper', name: 'Paper', docker_images: paperEgg.docker_images, startup: paperEgg.startup,
      done: ')! For help, type ', stop: { type: 'command', value: 'stop' },
      install: { script: '#!/bin/ash\ncd /mnt/server\necho hi', entrypoint: 'ash', container: 'ghcr.io/pterodactyl/installers:alpine' },
    });
    expect(d.variables[1]).toMatchObject({ env_variable: 'SERVER_JARFILE', user_viewable: true, user_editable: false });
    expect(dropped).toEqual(['config.files (configuration file parsers)']);
    // Round trip through our export keeps what an egg can say.
    const again = softwareDefinitionSchema.parse(eggToDefinition(definitionToEgg(d, new Date()), 'paper').definition);
    expect({ ...again, description: d.description }).toEqual(d);
  });

  it('maps ^C to SIGINT and a list of done texts to one regex', () => {
    const egg = { ...paperEgg, config: { ...paperEgg.config, stop: '^C', startup: JSON.stringify({ done: ['Listening on', 'Ready (x)'] }) } };
    const d = softwareDefinitionSchema.parse(eggToDefinition(egg, 'x-app').definition);
    expect(d.stop).toEqual({ type: 'signal', value: 'SIGINT' });
    const m = doneMatcher(d.done) as RegExp;
    expect(m.test('Ready (x) now')).toBe(true);
    expect(m.test('Listening on 80')).toBe(true);
    expect(m.test('Ready x')).toBe(false);
  });

  it('refuses what is not an egg', () => {
    expect(() => eggToDefinition({ name: 'x' })).toThrow(EggFormatError);
    expect(() => eggToDefinition({ ...paperEgg, meta: { version: 'PTDL_v9' } })).toThrow(/meta.version/);
  });

  it('done: plain text is matched literally, /…/ as a regex', () => {
    expect((doneMatcher(')! For help, type ') as RegExp).test('Done (1.2s)! For help, type "help"')).toBe(true);
    expect((doneMatcher('a.b') as RegExp).test('axb')).toBe(false);
    expect((doneMatcher('/^Listening on \\d+$/') as RegExp).test('Listening on 80')).toBe(true);
    expect(doneMatcher('')).toBeNull();
  });

  it('renders the command for display (hidden → [hidden]) and for the shell (values as quoted references)', () => {
    const template = 'node {{MAIN_FILE}} --secret={{APP_SECRET}} -m {{SERVER_MEMORY}} {{env.MAIN_FILE}} {{UNKNOWN}}';
    const env = { MAIN_FILE: 'index.mjs', APP_SECRET: 's3cret', SERVER_MEMORY: '1024' };
    expect(renderStartupForDisplay(template, env, new Set(['APP_SECRET'])))
      .toBe('node index.mjs --secret=[hidden] -m 1024 index.mjs {{UNKNOWN}}');
    expect(renderStartupForShell(template, env))
      .toBe('node "${MAIN_FILE}" --secret="${APP_SECRET}" -m "${SERVER_MEMORY}" "${MAIN_FILE}" {{UNKNOWN}}');
  });
});
