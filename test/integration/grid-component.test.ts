import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Component } from 'vue';
import { manifest } from '@server/routes';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HOST_CATEGORIES, HOST_ROUTES } from '../matrix/fixtures-host';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser } from '../factories/records';

const ROOT = path.resolve(import.meta.dirname, '../..');
let panel: TestPanel;
let owner: UserRow;
let server: ServerRow;
let friend: UserRow;
let ownerKey: string;
let lib: { CohostUsersTab: Component };
let outDir = '';
let vtu: typeof import('@vue/test-utils');
type Dom = { document: { body: unknown }; happyDOM: { close(): Promise<void> } };
let dom: Dom;

/**
 * A happy-dom window whose DOM globals are added beside Node's own (the panel keeps Node's URL and fetch, so the
 * component's requests are real HTTP to the panel), installed before Vue loads, as runtime-dom reads `document` then.
 */
async function installDom(url: string): Promise<Dom> {
  const { Window } = await import('happy-dom');
  const win = new Window({ url }) as unknown as Record<string, unknown> & Dom;
  const g = globalThis as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(win)) if (!(key in g)) g[key] = win[key];
  g.window = win;
  g.document = win.document;
  return win;
}

beforeAll(async () => {
  panel = await startTestPanel({ categories: HOST_CATEGORIES, routes: [...manifest, ...HOST_ROUTES] });
  owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  friend = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, friend, ['file.read']);
  ownerKey = await makeApiKey(panel.app.db, owner);
  dom = await installDom(`${panel.url}/host/server`);
  // The library exactly as a host gets it: built by Vite library mode, then imported from web/lib/dist.
  // Into a directory of its own: the browser test builds web/lib/dist itself, perhaps at the same time.
  outDir = mkdtempSync(path.join(ROOT, 'web/lib/.test-build-'));
  await build({ configFile: path.join(ROOT, 'web/lib/vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  vtu = await import('@vue/test-utils');
  lib = await import(/* @vite-ignore */ pathToFileURL(path.join(outDir, 'cohost-ui.js')).href) as typeof lib;
}, 120_000);
afterAll(async () => {
  await dom?.happyDOM.close();
  await panel?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

async function until(test: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !test(); i++) { await vtu.flushPromises(); await new Promise((r) => setTimeout(r, 25)); }
  if (!test()) throw new Error(`timed out waiting for ${what}`);
}

describe('the Users tab component (web/lib), mounted against a running Cohost', () => {
  it('lists subusers, shows the host\'s own category, and saves a grant through the real API', async () => {
    const wrapper = vtu.mount(lib.CohostUsersTab, {
      props: { apiBase: `${panel.url}/api/client`, server: server.uuid, authHeader: async () => `Bearer ${ownerKey}`, theme: { accent: '#0a7' } },
      attachTo: dom.document.body as never,
    });
    await until(() => wrapper.find(`[data-user="${friend.email}"]`).exists(), 'the subuser row');
    expect(wrapper.get('[data-test="cohost-users"]').attributes('style')).toContain('--cohost-accent: #0a7');
    await wrapper.get(`[data-user="${friend.email}"] [data-test="edit"]`).trigger('click');
    await until(() => wrapper.find('[data-key="control.console"] input').exists(), 'the grid');
    expect(wrapper.find('[data-key="modpack.read"] input').exists()).toBe(true);
    expect((wrapper.get('[data-key="file.read"] input').element as unknown as { checked: boolean }).checked).toBe(true);
    await wrapper.get('[data-key="control.console"] input').setValue(true);
    await wrapper.get('[data-key="modpack.read"] input').setValue(true);
    await wrapper.get('form').trigger('submit');
    await until(() => wrapper.emitted('saved') !== undefined || wrapper.find('[data-test="message"]').exists(), 'the save');
    expect(wrapper.find('[data-test="message"]').exists()).toBe(false);
    const [rows] = await panel.app.pool.query('SELECT permissions FROM subusers WHERE user_id = ?', [friend.id]);
    const stored = (rows as Array<{ permissions: unknown }>)[0]!.permissions;
    expect(typeof stored === 'string' ? JSON.parse(stored) : stored).toEqual(expect.arrayContaining(['file.read', 'control.console', 'modpack.read']));
    wrapper.unmount();
  });

  it('shows Cohost\'s refusal when the header names nobody', async () => {
    const wrapper = vtu.mount(lib.CohostUsersTab, { props: { apiBase: `${panel.url}/api/client`, server: server.uuid, authHeader: `Bearer ptlc_${'A'.repeat(16)}${'b'.repeat(32)}` } });
    await until(() => wrapper.find('[data-test="message"]').exists(), 'the error');
    expect(wrapper.get('[data-test="message"]').text()).toMatch(/Unauthenticated/);
    wrapper.unmount();
  });
});
