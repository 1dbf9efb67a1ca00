/** The page frame: side navigation (a menu button on phones), page heading with actions, cards, stat tiles. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { applyTheme, currentTheme, type ThemeChoice } from '../theme.js';
import { kitStrings as S } from '../strings.js';

export interface NavItem {
  href: string;
  label: string;
}

function isCurrent(path: string, href: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(href + '/');
}

export function ThemeSwitch() {
  const [choice, setChoice] = useState<ThemeChoice>(currentTheme());
  return (
    <label class="small">
      {S.theme}{' '}
      <select
        value={choice}
        onChange={(e) => {
          const v = e.currentTarget.value as ThemeChoice;
          setChoice(v);
          applyTheme(v);
        }}
      >
        <option value="auto">{S.themeAuto}</option>
        <option value="light">{S.themeLight}</option>
        <option value="dark">{S.themeDark}</option>
      </select>
    </label>
  );
}

export function AppShell({ brand, subtitle, nav, footer, children }: { brand: string; subtitle?: string; nav: NavItem[]; footer?: ComponentChildren; children: ComponentChildren }) {
  const { path } = useLocation();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [path]);
  return (
    <div class="shell">
      <a class="skip-link" href="#main">{S.skipToContent}</a>
      <header class="shell-top">
        <strong>{brand}</strong>
        <button type="button" aria-expanded={open} aria-controls="shell-nav" onClick={() => setOpen(!open)}>
          ☰ {S.menu}
        </button>
      </header>
      <nav id="shell-nav" class={open ? 'shell-nav open' : 'shell-nav'} aria-label="main">
        <div class="shell-brand">
          {brand}
          {subtitle && <small>{subtitle}</small>}
        </div>
        {nav.map((n) => (
          <a key={n.href} href={n.href} aria-current={isCurrent(path, n.href) ? 'page' : undefined}>
            {n.label}
          </a>
        ))}
        <div class="shell-user">
          {footer}
          <ThemeSwitch />
        </div>
      </nav>
      <main id="main" class="shell-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

export function Page({ title, actions, children }: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <>
      <div class="page-head">
        <h1>{title}</h1>
        {actions && <div class="actions">{actions}</div>}
      </div>
      {children}
    </>
  );
}

export function Card({ title, children, actions }: { title?: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card" aria-label={title}>
      {(title || actions) && (
        <div class="page-head" style={{ marginBottom: '0.4rem' }}>
          {title && <h2>{title}</h2>}
          {actions && <div class="actions">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

export function Stat({ label, value, hint }: { label: string; value: ComponentChildren; hint?: string }) {
  return (
    <div class="stat" title={hint}>
      <div class="value">{value}</div>
      <div class="label">{label}</div>
    </div>
  );
}

export function Badge({ kind, children }: { kind?: 'ok' | 'warn' | 'danger'; children: ComponentChildren }) {
  return <span class={kind ? `badge ${kind}` : 'badge'}>{children}</span>;
}
