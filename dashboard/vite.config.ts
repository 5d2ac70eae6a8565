// The operator console: built into dashboard/dist (served by the platform on the same origin)
// by `npm start` when sources changed (scripts/dashboard-build.ts), or served by Vite's dev
// server with `npm run dev`, which proxies the API, socket.io and MQTT-over-WebSocket to a
// platform running on its default port. The Host header is kept (no changeOrigin) so the
// platform's same-origin check of cookie-authenticated writes still holds behind the proxy.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const platform = process.env.CUSTODIA_DEV_TARGET ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
  server: {
    port: 5173,
    strictPort: false,
    proxy: {
      '/api': { target: platform },
      '/socket.io': { target: platform, ws: true },
      '/mqtt': { target: platform, ws: true },
    },
  },
});
