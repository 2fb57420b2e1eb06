/**
 * The front end's safety rules, checked on its source and on what the stack serves: no HTML parsed from strings
 * anywhere (every tenant string is set as text), no script or style inline (the CSP allows neither), nothing loaded
 * from another host, and the CSP with no `unsafe-inline` or `unsafe-eval`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTAL_SETTINGS, definePortal, pageHeaders } from '../../lambdas/core/portal/settings';
import { ConfigError } from '../../lambdas/core/kernel/errors';
import { buildWebAssets } from '../../web/build';

const SRC = join(import.meta.dirname, '..', '..', 'web', 'src');
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

describe('front end', () => {
  it.each(sources(SRC).map((f) => [f.slice(SRC.length + 1), f]))(
    '%s parses no HTML from strings and evaluates no code',
    (_, file) => {
      const code = readFileSync(file, 'utf8');
      expect(code).not.toMatch(
        /\.(innerHTML|outerHTML)\b|insertAdjacentHTML\(|document\.write|\beval\(|new Function|setAttribute\('style'/,
      );
    },
  );

  it('serves pages with no inline script or style, and assets that load nothing from another host', async () => {
    const assets = await buildWebAssets();
    for (const page of ['index.html', 'console.html']) {
      const html = assets.get(page)!.body;
      expect(
        html.match(/<script[^>]*>/g)!.every((tag) => /\ssrc="\/portal\/assets\/app-[0-9a-f]{10}\.js"/.test(tag)),
      ).toBe(true);
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/);
    }
    // The page and the style sheet name only the stack's own files (the script's requests are checked in the
    // browser tests, which record every request a page makes).
    for (const [name, asset] of [...assets].filter(([n]) => !n.endsWith('.js'))) {
      const refs = [...asset.body.matchAll(/(?:src|href)="([^"]*)"|url\(([^)]*)\)|@import/g)].map(
        (m) => m[1] ?? m[2] ?? m[0],
      );
      expect(
        refs.filter((r) => !r.startsWith('/portal/assets/') && r !== 'data:,'),
        name,
      ).toEqual([]);
    }
  });

  it('is served with a CSP that runs only its own script, and may be framed only by the configured pages', () => {
    const csp = pageHeaders(definePortal({ frameAncestors: ["'self'", 'https://app.example.com'] }))[
      'content-security-policy'
    ]!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'self' https://app.example.com");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(pageHeaders(DEFAULT_PORTAL_SETTINGS)['content-security-policy']).toContain("frame-ancestors 'self'");
  });

  it.each([['https://app.example.com; script-src *'], ['javascript:'], ['*'], ["'unsafe-inline'"]])(
    'refuses a frame ancestor that is not an origin: %s',
    (source) => {
      expect(() => definePortal({ frameAncestors: [source] })).toThrow(ConfigError);
    },
  );
});
