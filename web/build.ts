/**
 * Builds the pages: each entry under web/src/pages/ becomes one minified ES module in
 * web/dist/assets/, and web/public/ is copied to web/dist/. `npm run build:web` runs it; the
 * local stack calls buildWeb() itself when web/dist is missing or older than its sources.
 */
import { mkdir, readdir, rename, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const WEB_DIR = dirname(fileURLToPath(import.meta.url));
export const DIST_DIR = join(WEB_DIR, 'dist');
const SOURCES = [join(WEB_DIR, 'src'), join(WEB_DIR, 'public'), fileURLToPath(import.meta.url)];
/** Written last: its mtime says when the build finished. */
const STAMP = '.built';

export const PAGE_ENTRIES = ['users', 'join', 'settings', 'signin'] as const;

export async function buildWeb(outDir = DIST_DIR): Promise<void> {
  const result = await build({
    entryPoints: Object.fromEntries(PAGE_ENTRIES.map((name) => [name, join(WEB_DIR, 'src', 'pages', `${name}.ts`)])),
    outdir: join(outDir, 'assets'),
    bundle: true,
    format: 'esm',
    splitting: false,
    minify: true,
    sourcemap: 'linked',
    target: ['es2022'],
    write: false,
    logLevel: 'silent',
  });
  await mkdir(join(outDir, 'assets'), { recursive: true });
  // Each file is written to a temporary name and renamed, so a page served while another
  // process rebuilds (tests run in parallel) is never half-written.
  await Promise.all(result.outputFiles.map((file) => writeAtomically(file.path, file.contents)));
  for (const file of await listFiles(join(WEB_DIR, 'public'))) {
    const target = join(outDir, relative(join(WEB_DIR, 'public'), file));
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    await copyFile(file, temporary);
    await rename(temporary, target);
  }
  // The Users page also answers at /users (where the signup email points); CloudFront maps /users to users.html.
  const temporary = join(outDir, `users.html.${process.pid}.tmp`);
  await copyFile(join(outDir, 'index.html'), temporary);
  await rename(temporary, join(outDir, 'users.html'));
  await writeAtomically(join(outDir, STAMP), new TextEncoder().encode(new Date().toISOString()));
}

/** True when web/dist is missing or any source changed after the last build. */
export async function isStale(outDir = DIST_DIR): Promise<boolean> {
  const built = await stat(join(outDir, STAMP)).catch(() => undefined);
  if (!built) return true;
  for (const source of SOURCES) {
    const files = (await stat(source)).isDirectory() ? await listFiles(source) : [source];
    for (const file of files) if ((await stat(file)).mtimeMs > built.mtimeMs) return true;
  }
  return false;
}

export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function writeAtomically(path: string, contents: Uint8Array) {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, path).catch(async (error: unknown) => {
    await rm(temporary, { force: true });
    throw error;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  await buildWeb();
  console.log(`web/dist built in ${Date.now() - t0} ms`);
}
