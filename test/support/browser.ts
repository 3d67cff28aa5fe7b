/**
 * Real Chromium for page tests: Debian's /usr/bin/chromium (installed by .ci/run; CHROMIUM_PATH to
 * use another), driven by playwright-core, which downloads no browser of its own.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** As root in a closed network: no sandbox, and none of Chromium's own connections out. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
