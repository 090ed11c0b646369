#!/usr/bin/env node
// The starter app the Node app definition installs when the server has none: an HTTP server on SERVER_PORT
// (an ephemeral port when unset) that answers with APP_GREETING. Bundled, so the install works offline.
import { createServer } from 'node:http';

const greeting = process.env.APP_GREETING || 'Hello from Cohost';
const server = createServer((_req, res) => { res.setHeader('content-type', 'text/plain'); res.end(`${greeting}\n`); });
server.listen(Number(process.env.SERVER_PORT || 0), process.env.SERVER_IP || '127.0.0.1', () => {
  const address = server.address();
  console.log(`Listening on ${typeof address === 'object' && address ? address.port : address}`);
});
const stop = (sig) => { console.log(`Received ${sig}, closing`); server.close(() => process.exit(0)); };
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
