#!/usr/bin/env node
// Builds the web pages with vite (+ @preact/preset-vite) after type-checking them (ui/tsconfig.json).
// Each page is its own vite root; hashed assets go under <out>/assets, served immutable by the appliance.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** One entry per web page. HQ's page (cloud-sync) adds its own line here. */
const pages = [
  { name: 'appliance', src: 'ui/appliance', out: 'dist/ui' },
  { name: 'hq', src: 'ui/hq', out: 'dist/ui-hq' },
];

execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'ui', 'tsconfig.json')], {
  cwd: root,
  stdio: 'inherit',
});
/**
 * Each page's index.html names only its title and entry module; what every page's HTML shell holds besides
 * is added here, so that it is written once. The bundle's script and stylesheet go into the head (vite), and
 * the CSP forbids inline script and style, so these are plain tags.
 */
const sharedHtml = {
  name: 'cva-shared-html',
  transformIndexHtml: () => [
    { tag: 'meta', attrs: { charset: 'utf-8' }, injectTo: 'head-prepend' },
    { tag: 'meta', attrs: { name: 'viewport', content: 'width=device-width, initial-scale=1' }, injectTo: 'head-prepend' },
    { tag: 'meta', attrs: { name: 'color-scheme', content: 'light dark' }, injectTo: 'head-prepend' },
    { tag: 'link', attrs: { rel: 'icon', href: 'data:,' }, injectTo: 'head' },
    { tag: 'div', attrs: { id: 'app' }, injectTo: 'body-prepend' },
    { tag: 'noscript', children: 'This page needs JavaScript.', injectTo: 'body-prepend' },
  ],
};
const { build } = await import('vite');
const { default: preact } = await import('@preact/preset-vite');
for (const page of pages) {
  if (!existsSync(join(root, page.src, 'index.html'))) continue;
  await build({
    root: join(root, page.src),
    base: '/',
    configFile: false,
    logLevel: process.argv.includes('--verbose') ? 'info' : 'warn',
    plugins: [sharedHtml, preact({ devToolsInProd: false, prefreshEnabled: false })],
    build: {
      outDir: join(root, page.out),
      emptyOutDir: true,
      assetsDir: 'assets',
      target: 'es2020',
      sourcemap: false,
      // Everything inline-free: the CSP forbids inline script and style.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
    },
  });
  console.log(`[build-ui] ${page.name} → ${page.out}`);
}
