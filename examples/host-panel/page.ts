/**
 * The host's own server page, with Cohost's Users tab in it: Vue from the host's node_modules through an import map,
 * the component from /cohost-ui (web/lib/dist), the host's JWT as the component's auth header.
 */
export function serverPage(server: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Host panel · server</title>
<link rel="stylesheet" href="/cohost-ui/cohost-ui.css">
<script type="importmap">{"imports":{"vue":"/host-assets/vue.js"}}</script></head>
<body><h1>Host panel</h1><div id="users"></div>
<script type="module">
import { createApp, h } from 'vue';
import { CohostUsersTab } from '/cohost-ui/cohost-ui.js';
const token = async () => 'Bearer ' + (await (await fetch('/cohost-token')).json()).token;
createApp({ render: () => h(CohostUsersTab, { apiBase: '/cohost/api/client', server: ${JSON.stringify(server)}, authHeader: token, theme: { accent: '#0a7' } }) }).mount('#users');
</script></body></html>`;
}
