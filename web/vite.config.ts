import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run web:dev` serves the app with hot reload on :5173 and sends the API calls to a running
// `netfin start` (NETFIN_API, default http://127.0.0.1:3000). `netfin start` serves the built app itself.
const api = process.env.NETFIN_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'charts';
          if (
            id.includes('node_modules/antd') ||
            id.includes('node_modules/@ant-design') ||
            id.includes('node_modules/rc-')
          )
            return 'antd';
          if (id.includes('node_modules')) return 'vendor';
          return undefined;
        },
      },
    },
  },
  server: { proxy: { '/v1': api, '/healthz': api, '/openapi.json': api } },
});
