/**
 * What would be published: the real tarball of `pnpm pack` (the tool `changeset publish` calls,
 * through `pnpm publish`), read back. Not `--dry-run`: pnpm 10's dry-run listing leaves out files
 * that the real pack adds (the workspace root's LICENSE when a package has none), so the listing
 * is not the truth; the tarball is.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface PackedFile {
  /** Path inside the package, without the tarball's `package/` prefix: `dist/index.js`. */
  path: string;
  data: Uint8Array;
  /** Unix permission bits as stored in the tarball. */
  mode: number;
}

export interface Packed {
  files: PackedFile[];
  /** The package.json as published (pnpm rewrites `workspace:^` to a version range). */
  manifest: Record<string, unknown>;
}

/** The pnpm version pinned by the root package.json (`"packageManager": "pnpm@10.34.8"`). */
export function pinnedPnpm(root: string): string {
  const pm = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { packageManager?: string }).packageManager;
  const m = /^pnpm@(\d+\.\d+\.\d+[^+]*)/.exec(pm ?? '');
  if (!m) throw new Error(`root package.json: packageManager ${JSON.stringify(pm)} is not pnpm@<version>`);
  return m[1];
}

/** The version of the pnpm whose CLI script is `cli` (…/node_modules/pnpm/bin/pnpm.cjs), if it is one. */
function versionOfPnpmCli(cli: string): string | undefined {
  try {
    const pj = JSON.parse(readFileSync(join(dirname(realpathSync(cli)), '..', 'package.json'), 'utf8')) as {
      name?: string;
      version?: string;
    };
    return pj.name === 'pnpm' ? pj.version : undefined;
  } catch {
    return undefined;
  }
}

const commands = new Map<string, Promise<[string, string[]]>>();

/**
 * How to run the pinned pnpm: the pnpm running this test when it is that version (`pnpm test`
 * sets npm_execpath), else npx's copy of it run with node directly (npx itself costs ~0.4 s a
 * call), else `npx -y pnpm@<version>`.
 */
export function pnpmCommand(root: string): Promise<[string, string[]]> {
  const version = pinnedPnpm(root);
  let cmd = commands.get(version);
  if (!cmd) {
    cmd = (async (): Promise<[string, string[]]> => {
      const running = process.env.npm_execpath;
      if (running && versionOfPnpmCli(running) === version) return [process.execPath, [realpathSync(running)]];
      try {
        const bin = (await run('npx', ['-y', '-p', `pnpm@${version}`, '-c', 'command -v pnpm'], root)).trim();
        if (bin && versionOfPnpmCli(bin) === version) return [process.execPath, [realpathSync(bin)]];
      } catch {
        // fall through to plain npx
      }
      return ['npx', ['-y', `pnpm@${version}`]];
    })();
    commands.set(version, cmd);
  }
  return cmd;
}

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The entries of a .tgz (ustar, with pax and GNU long names), regular files only. */
export function readTarball(tgz: Uint8Array): PackedFile[] {
  const tar = gunzipSync(tgz);
  const files: PackedFile[] = [];
  const str = (at: number, len: number) => {
    const b = tar.subarray(at, at + len);
    const end = b.indexOf(0);
    return b.subarray(0, end === -1 ? len : end).toString('utf8');
  };
  const octal = (at: number, len: number) => parseInt(str(at, len).trim() || '0', 8);
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= tar.length) {
    if (tar.subarray(off, off + 512).every((b) => b === 0)) break;
    const size = octal(off + 124, 12);
    const type = String.fromCharCode(tar[off + 156] || 48);
    const prefix = str(off + 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${str(off, 100)}` : str(off, 100));
    const body = tar.subarray(off + 512, off + 512 + size);
    longName = undefined;
    if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (m) longName = m[1];
    } else if (type === 'L') {
      longName = body.toString('utf8').replace(/\0+$/, '');
    } else if (type === '0' || type === '7') {
      files.push({ path: name.replace(/^[^/]+\//, ''), data: new Uint8Array(body), mode: octal(off + 100, 8) });
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Pack the package in `dir` with pnpm (scripts off) and read the tarball back. */
export async function pack(dir: string, root: string): Promise<Packed> {
  const dest = mkdtempSync(join(tmpdir(), 'publish-check-pack-'));
  try {
    const [cmd, pre] = await pnpmCommand(root);
    const out = await run(cmd, [...pre, 'pack', '--json', '--pack-destination', dest, '--config.ignore-scripts=true'], dir);
    const json = JSON.parse(out.slice(out.indexOf('{'))) as { filename?: string };
    if (!json.filename) throw new Error(`pnpm pack printed no filename:\n${out}`);
    const tgz = json.filename.startsWith('/') ? json.filename : join(dest, json.filename);
    const files = readTarball(readFileSync(tgz));
    const pj = files.find((f) => f.path === 'package.json');
    if (!pj) throw new Error(`the tarball of ${dir} has no package.json`);
    return { files, manifest: JSON.parse(Buffer.from(pj.data).toString('utf8')) as Record<string, unknown> };
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
}
