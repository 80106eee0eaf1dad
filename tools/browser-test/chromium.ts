/**
 * Where the tests' Chromium comes from. `HAKMEM_CHROMIUM` names a binary you have (Debian's
 * `/usr/lib/chromium/chromium`, say); otherwise the one inside the `@sparticuz/chromium` npm
 * package, unpacked into the system temp folder on first use, so that `pnpm install` on a machine
 * with only Node and npm is all the set-up. Playwright's own browser download is not used.
 *
 * The flags are ours, not the package's `chromium.args`: those switch site isolation off and enable
 * SharedArrayBuffer by flag, which would hide a missing COOP/COEP header.
 */
import chromium from '@sparticuz/chromium';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];

export async function chromiumPath(): Promise<string> {
  return process.env.HAKMEM_CHROMIUM || (await chromium.executablePath());
}

/** The two headers that make a page cross-origin isolated (SharedArrayBuffer, Atomics.wait in workers). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
