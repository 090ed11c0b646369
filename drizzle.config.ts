import { defineConfig } from 'drizzle-kit';

// Only `generate` is used: migrations are committed and applied by our own migrator (`npm run cohost -- migrate`).
export default defineConfig({
  dialect: 'mysql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
});
