// The guarded-read bench's outside baseline, in a process of its own: a bare Express 5 app whose one route runs one
// SELECT through a mysql2 pool (the promise API, as an ordinary app would) and answers the row as JSON. No helmet,
// no sessions, no authentication. `node bare-express.mjs '{"url":"mysql://…"}'` prints `ready <port>`, exits on `close`.
import readline from 'node:readline';
import express from 'express';
import mysql from 'mysql2/promise';

const { url } = JSON.parse(process.argv[2] ?? '{}');
const pool = mysql.createPool({ uri: url, connectionLimit: 10, timezone: 'Z', supportBigNumbers: true });
const app = express();
app.get('/servers/:uuid', async (req, res, next) => {
  try {
    const [rows] = await pool.query('SELECT * FROM servers WHERE uuid = ? LIMIT 1', [req.params.uuid]);
    if (!rows[0]) return res.status(404).json({ error: 'not found' });
    res.json(rows[0]);
  } catch (err) {
    next(err);
  }
});
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
let cpu = process.cpuUsage();
readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  // `cpu`: this process's CPU time (user + system, µs) since the previous `cpu`.
  if (line.trim() === 'cpu') {
    const d = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    process.stdout.write(`${d.user + d.system}\n`);
    return;
  }
  if (line.trim() !== 'close') return;
  server.close();
  server.closeAllConnections();
  await pool.end();
  process.stdout.write('closed\n');
  process.exit(0);
});
