import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Library mode: the grid and the Users tab as an ES module (Vue left to the host) plus one stylesheet. */
export default defineConfig({
  root: here('.'),
  plugins: [vue()],
  resolve: { alias: { '@contracts': here('../../contracts'), '@web': here('../src') } },
  build: {
    outDir: here('./dist'), emptyOutDir: true, copyPublicDir: false,
    lib: { entry: here('./index.ts'), formats: ['es'], fileName: () => 'cohost-ui.js', cssFileName: 'cohost-ui' },
    rollupOptions: { external: ['vue'] },
  },
});
