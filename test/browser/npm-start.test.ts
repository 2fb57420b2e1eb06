/**
 * The "done when", as a new user runs it: `npm start`, then `npm run cli -- portal open --tenant acme`, then
 * the printed link in a browser shows acme's portal, with the catalog `config/event-types.ts` defines; and the
 * console the banner names shows the stack.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readStackState } from '../../local/state-file';
import { waitFor } from '../e2e/helpers';
import { describeInBrowser, useBrowser } from './browser';

const REPO = join(import.meta.dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describeInBrowser('npm start, portal open, and the browser', () => {
  const browser = useBrowser();
  const dir = mkdtempSync(join(tmpdir(), 'portal-start-'));
  let npm: ChildProcess | undefined;

  afterAll(async () => {
    await browser.closePages();
    const stack = readStackState(dir);
    npm?.kill('SIGTERM');
    if (stack)
      await waitFor('the stack to stop', () => readStackState(dir) === undefined, 20_000).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the tenant’s portal from the link the CLI prints, and the console from the banner', {
    timeout: 60_000,
  }, async () => {
    let output = '';
    npm = spawn(NPM, ['start', '--', '--port', '0', '--data-dir', dir], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    npm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    npm.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const stack = await waitFor(
      'npm start',
      () => (output.includes('listening on') ? readStackState(dir) : undefined),
      40_000,
    );
    expect(output).toContain(`portal     ${stack.url}/portal`);
    expect(output).toContain(`console    ${stack.url}/_local/console`);

    const cli = spawnSync(NPM, ['run', '-s', 'cli', '--', 'portal', 'open', '--tenant', 'acme', '--data-dir', dir], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(0);
    const link = cli.stdout.trim();
    expect(link).toMatch(new RegExp(`^${stack.url}/portal#token=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    expect(cli.stderr).toContain('Portal of tenant acme, read-write');

    const { page, errors } = await browser.page();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    expect(await page.locator('header').textContent()).toContain('tenant acme');
    await page.getByRole('link', { name: 'Event types' }).click();
    await page.getByRole('heading', { name: 'invoice.payment_failed' }).waitFor();

    await page.goto(`${stack.url}/_local/console`);
    await page.getByRole('heading', { name: 'Inbound sources' }).waitFor();
    expect(errors).toEqual([]);
  });
});
