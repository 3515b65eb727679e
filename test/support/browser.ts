/**
 * Headless Chromium for the page tests: the build that the @sparticuz/chromium npm package ships
 * (unpacked to the temp dir by the run's global setup), so `npm test` needs no system browser. CHROMIUM_PATH
 * points at another build when one is wanted.
 */
import chromiumBuild from '@sparticuz/chromium';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { inject } from 'vitest';

const WEAKENING = new Set(['--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials', '--single-process']);
/** The package's GPU emulation (SwiftShader, for WebGL on Lambda): the pages draw nothing that needs it, and it cost the page tests a quarter of their CPU. */
const GPU = new Set(['--ignore-gpu-blocklist', '--in-process-gpu', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader']);

/**
 * One Chromium per worker, shared by the page files that run there one after another: each file
 * gets it with contexts of its own, and its `close()` closes only those. Kept on the process, not
 * the module, which each file loads afresh (support/one-file-at-a-time.ts).
 */
const SHARED = Symbol.for('invite-links.test-chromium');
const processWide = globalThis as { [SHARED]?: Promise<Browser> };

export async function launchChromium(): Promise<Browser> {
  let browser = await (processWide[SHARED] ??= startChromium());
  if (!browser.isConnected()) browser = await (processWide[SHARED] = startChromium());
  return forOneFile(browser);
}

function forOneFile(browser: Browser): Browser {
  const contexts: BrowserContext[] = [];
  return new Proxy(browser, {
    get(target, name) {
      if (name === 'newContext')
        return async (...args: Parameters<Browser['newContext']>) => {
          const context = await target.newContext(...args);
          contexts.push(context);
          return context;
        };
      if (name === 'close') return async () => void (await Promise.all(contexts.splice(0).map((context) => context.close())));
      const value = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function startChromium(): Promise<Browser> {
  // Unpacked by the run's global setup (CHROMIUM_PATH or the package's build).
  const executablePath = inject('chromiumPath');
  return chromium.launch({
    executablePath,
    headless: true,
    // The package's flags (made for Lambda) less those that would hide what a real browser enforces
    // (same-origin policy, mixed content) and its GPU emulation (software drawing instead), plus no
    // background traffic: this machine reaches no other host.
    args: [
      ...chromiumBuild.args.filter((flag) => !WEAKENING.has(flag) && !GPU.has(flag)),
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
