import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * electron-vite builds renderer assets with relative URLs (for file://). The screens are served by
 * the hub instead, where the same index.html answers /kiosk and /t/<token>: asset URLs must be absolute.
 */
function absoluteBase(): Plugin {
  return { name: 'branch-lobby:absolute-base', config: () => ({ base: '/' }) };
}

const domainAlias = { '@domain': resolve(__dirname, 'src-main/domain') };

export default defineConfig({
  // Electron main process (shell), the hub's and the head office's Node entry points, built together.
  main: {
    resolve: { alias: domainAlias },
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/shell/main.ts'),
          hub: resolve(__dirname, 'src-main/hub/cli.ts'),
          // The feed import reads and checks files in this worker thread while it writes.
          'feed-worker': resolve(__dirname, 'src-main/hub/feed/feed-worker.ts'),
          // `hub.js import-feed` runs the import in this worker thread, its heap bounded.
          'import-worker': resolve(__dirname, 'src-main/hub/feed/import-worker.ts'),
          // The bank's head office (plain Node, PostgreSQL): docs/HEAD-OFFICE.md.
          'head-office': resolve(__dirname, 'src-main/head-office/cli.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/shell/preload.ts') },
      },
    },
  },
  // The screens: one React app served by the hub, the Electron kiosk loads /kiosk from it.
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    resolve: { alias: domainAlias },
    plugins: [react(), absoluteBase()],
    build: {
      minify: true,
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
  },
});
