/**
 * A production bundle works: app/ (a heap with learning on) built with `vite build` and Vite's
 * defaults, served with COOP/COEP by a plain node:http server, loaded in the same Chromium. The
 * learner must run in a Worker in the bundle: events consumed grow and the learner reports mode
 * 'worker'. A bundler emits a Worker with its imports only when it is written literally as
 * `new Worker(new URL('./x.js', import.meta.url), { type: 'module' })`.
 */
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { build } from 'vite';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { CHROMIUM_ARGS } from '../../chromium.js';
import { serve, type Served } from './serve.js';

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: string;
  }
}

const app = fileURLToPath(new URL('../../app/', import.meta.url));
let browser: Browser;
let server: Served;

beforeAll(async () => {
  await build({ configFile: `${app}vite.config.ts` });
  server = await serve(`${app}dist`);
  browser = await chromium.launch({ executablePath: inject('chromium'), args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Learning {
  ring: { consumed: number; pushed: number };
  learner: { mode: string; heartbeat: number };
}

test('the vite build of an app runs the learner in a Worker', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  page.on('worker', (w) => w.on('close', () => problems.push(`a worker closed: ${w.url().slice(0, 80)}`)));
  await page.goto(server.url);
  await page.waitForFunction(() => 'hakmemApp' in globalThis);
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  const learning = () => page.evaluate(() => (globalThis as unknown as { hakmemApp: { learning(): Learning } }).hakmemApp.learning());
  // events are pushed from the start; a learner that runs consumes them
  await expect.poll(async () => (await learning()).ring.pushed, { timeout: 10_000 }).toBeGreaterThan(0);
  let last = null as Learning | null;
  try {
    await expect.poll(async () => (last = await learning()).ring.consumed, { timeout: 10_000 }).toBeGreaterThan(0);
  } catch {
    throw new Error(`no event consumed by the learner in the bundle: ${JSON.stringify({ ...last?.ring, mode: last?.learner.mode })}; ${problems.join('; ') || 'no error reported by the page'}`);
  }
  const first = last!.ring.consumed;
  await expect.poll(async () => (last = await learning()).ring.consumed, { timeout: 10_000 }).toBeGreaterThan(first);
  expect(last!.learner.mode).toBe('worker');
  expect(problems).toEqual([]);
  await page.close();
});
