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
        // Every page loads React, Ant Design and the app's own code; the charts and the decision-graph
        // editor (with its own Ant Design 5 and Monaco) are split off and fetched by the pages using them.
        manualChunks(id: string) {
          if (!id.includes('node_modules/') || id.includes('node_modules/@gorules/jdm-editor/'))
            return undefined;
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'charts';
          if (/node_modules\/(antd|@ant-design|@rc-component)\//.test(id)) return 'antd';
          if (
            /node_modules\/(react|react-dom|scheduler|react-router|@tanstack\/(react-)?query[^/]*|i18next|react-i18next|dayjs)\//.test(
              id,
            )
          )
            return 'vendor';
          return undefined;
        },
      },
    },
  },
  server: { proxy: { '/v1': api, '/healthz': api, '/openapi.json': api } },
});
