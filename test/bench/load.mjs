// The load generator of the guarded-request bench, in its own process so it never shares the panel's event loop:
// `node load.mjs '<autocannon options as JSON>'` prints autocannon's summary as one JSON line.
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2] ?? '{}');
const result = await autocannon(options);
process.stdout.write(JSON.stringify({ rps: result.requests.average, total: result.requests.total, non2xx: result.non2xx, errors: result.errors }) + '\n');
