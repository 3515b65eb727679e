/**
 * Builds the pages: each entry under web/src/pages/ becomes one minified ES module in
 * web/dist/assets/ (and, when it imports CSS, one stylesheet beside it that its shell links), the
 * page shells come from web/page.html, and web/public/ is copied to web/dist/. `npm run build:web`
 * runs it for deploying: source maps are written beside the code but not linked from it (the
 * deployment leaves them out). The local stack calls buildWeb() itself, with linked maps, when
 * web/dist is missing or older than its sources.
 */
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { NOT_FOUND_FILE } from './page-addresses.ts';

export const WEB_DIR = dirname(fileURLToPath(import.meta.url));
export const DIST_DIR = join(WEB_DIR, 'dist');
const SOURCES = [join(WEB_DIR, 'src'), join(WEB_DIR, 'public'), join(WEB_DIR, 'page.html'), fileURLToPath(import.meta.url)];
/** Written last: its mtime says when the build finished. */
const STAMP = '.built';

/**
 * Every page: its file, title, script and brand link. One shell (web/page.html) makes them all;
 * the Users page is written twice, as / (index.html) and as /users (users.html, where the
 * signup email points; CloudFront maps /users to it).
 */
const home = '<a class="brand" href="/">Invite links</a>';
const PAGES = [
  { files: ['index.html', 'users.html'], title: 'Users', entry: 'users', brand: home },
  // Every member's landing page, where people arrive after joining.
  { files: ['home.html'], title: 'Home', entry: 'home', brand: home },
  { files: ['requests.html'], title: 'Requests', entry: 'requests', brand: home },
  { files: ['activity.html'], title: 'Activity', entry: 'activity', brand: home },
  { files: ['settings.html'], title: 'Login Settings', entry: 'settings', brand: home },
  { files: ['signin.html'], title: 'Sign in', entry: 'signin', brand: '<a class="brand" href="/signin">Invite links</a>' },
  // The join page is for people without an account: its brand leads nowhere.
  { files: ['join.html'], title: 'Join', entry: 'join', brand: '<span class="brand">Invite links</span>' },
  // A reference anyone may read: its way back into the app is the brand and Home.
  { files: ['api.html'], title: 'API reference', entry: 'api', brand: `${home}<nav aria-label="Main"><a class="nav-link" href="/home">Home</a><a class="nav-link" href="/api" aria-current="page">API reference</a></nav>` },
  // What a browser gets, with status 404, for an address no page has (web/page-addresses.ts).
  { files: [NOT_FOUND_FILE], title: 'Page not found', entry: 'not-found', brand: home },
] as const;
const PAGE_ENTRIES = PAGES.map((p) => p.entry);

export interface BuildOptions {
  /** `linked` (the default, for the local stack) names each map in its file; `external` writes the maps without naming them. */
  sourceMaps?: 'linked' | 'external';
}

export async function buildWeb(outDir = DIST_DIR, { sourceMaps = 'linked' }: BuildOptions = {}): Promise<void> {
  const result = await build({
    entryPoints: Object.fromEntries(PAGE_ENTRIES.map((name) => [name, join(WEB_DIR, 'src', 'pages', `${name}.ts`)])),
    outdir: join(outDir, 'assets'),
    bundle: true,
    format: 'esm',
    splitting: false,
    minify: true,
    sourcemap: sourceMaps,
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
  const built = new Set(result.outputFiles.map((file) => relative(outDir, file.path).split(sep).join('/')));
  const shell = await readFile(join(WEB_DIR, 'page.html'), 'utf8');
  for (const page of PAGES) {
    // A page whose entry imports CSS (the API reference's renderer) links the stylesheet esbuild wrote for it.
    const styles = built.has(`assets/${page.entry}.css`) ? `\n  <link rel="stylesheet" href="/assets/${page.entry}.css">` : '';
    const html = shell
      .replace('{{title}}', page.title)
      .replace('{{styles}}', styles)
      .replace('{{entry}}', page.entry)
      .replace('{{brand}}', page.brand);
    for (const file of page.files) await writeAtomically(join(outDir, file), new TextEncoder().encode(html));
  }
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
  await buildWeb(DIST_DIR, { sourceMaps: 'external' });
  console.log(`web/dist built for deploying in ${Date.now() - t0} ms`);
}
