// `vite` (npm run dev) serves this folder with the two headers that make the page cross-origin
// isolated: without them the browser has no SharedArrayBuffer and no shared WebAssembly.Memory.
import { defineConfig } from 'vite';

export default defineConfig({
  server: {
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
});
