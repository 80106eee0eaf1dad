/** The app's build: Vite's defaults (a user's first `vite build`), into app/dist. */
import { defineConfig } from 'vite';

export default defineConfig({ root: import.meta.dirname, logLevel: 'warn', build: { outDir: 'dist', emptyOutDir: true } });
