/**
 * Real Chromium for page tests: Debian's /usr/bin/chromium (installed by .ci/run; CHROMIUM_PATH to
 * use another), driven by playwright-core, which downloads no browser of its own.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

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

/**
 * Open `path` on the site at `base` as a person does: a page behind sign-in sends the browser to
 * /sign-in, where the API token is typed into its field and "Sign in" pressed; the browser comes
 * back to `path` with a session (it never keeps the token).
 */
export async function signInAndOpen(page: Page, base: string, path: string, token: string): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}${path}`);
}
