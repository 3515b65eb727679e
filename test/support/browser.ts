/**
 * Headless Chromium for the page tests: the build that the @sparticuz/chromium npm package ships
 * (unpacked to the temp dir on first use), so `npm test` needs no system browser. CHROMIUM_PATH
 * points at another build when one is wanted.
 */
import chromiumBuild from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

const WEAKENING = new Set(['--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials', '--single-process']);

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? (await chromiumBuild.executablePath());
  return chromium.launch({
    executablePath,
    headless: true,
    // The package's flags (made for Lambda) less those that would hide what a real browser enforces
    // (same-origin policy, mixed content), plus no background traffic: this machine reaches no other host.
    args: [
      ...chromiumBuild.args.filter((flag) => !WEAKENING.has(flag)),
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
