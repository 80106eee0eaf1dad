/**
 * Two projects in one run (one JSON report for the test summary):
 * - `browser`: test/browser, in headless Chromium through vitest's browser mode, on a page served
 *   with COOP/COEP (`server.headers` covers the page, the tester iframe, modules and workers);
 * - `node`: test/node, in Node: serves the production bundle of app/ and drives the same Chromium.
 * The Chromium path is resolved once here and handed to the node tests with `provide`.
 */
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, chromiumPath, ISOLATION_HEADERS } from './chromium.js';

const executablePath = await chromiumPath();

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        server: { headers: ISOLATION_HEADERS },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          // one page at a time: the files' busy workers would share 2 cores otherwise
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath, args: CHROMIUM_ARGS } }),
            instances: [{ browser: 'chromium' }],
            screenshotFailures: false,
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          provide: { chromium: executablePath },
        },
      },
    ],
  },
});
