import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const alias = {
  '@contracts': here('./contracts'),
  '@db': here('./db'),
  '@server': here('./server'),
  '@bridge': here('./wings-bridge'),
  '@test': here('./test'),
  '@web': here('./web/src'),
};

// One project per tier (DESIGN §11). Tiers that need MariaDB read DATABASE_URL, provided by test/run.mjs.
const tier = (name: string, extra: Record<string, unknown> = {}) => ({
  extends: true as const,
  test: { name, include: [`test/${name}/**/*.test.ts`], ...extra },
});

export default defineConfig({
  // The UI lives in web/ (built to web/dist); tests are found from the repository root.
  root: here('./web'),
  plugins: [vue()],
  resolve: { alias },
  build: { outDir: here('./web/dist'), emptyOutDir: true },
  test: {
    root: here('./'),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      tier('unit', { include: ['test/unit/**/*.test.ts'], environment: 'node' }),
      tier('integration'),
      tier('matrix'),
      tier('bridge'),
      tier('sftp'),
      tier('browser', { fileParallelism: false, testTimeout: 60_000 }),
      { extends: true as const, test: { name: 'web', include: ['web/src/**/*.test.ts'], environment: 'happy-dom' } },
    ],
  },
});
