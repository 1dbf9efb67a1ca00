/**
 * Light, dark or the system's choice; the choice is kept in localStorage and applied as <html data-theme>
 * (auto follows `prefers-color-scheme`, also when it changes), so the stylesheet has one dark palette.
 */
export type ThemeChoice = 'auto' | 'light' | 'dark';
const KEY = 'cva.theme';
const systemDark = () => window.matchMedia('(prefers-color-scheme: dark)');
let following = false;

export function currentTheme(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'auto';
}

function paint(): void {
  const choice = currentTheme();
  document.documentElement.dataset.theme = choice === 'auto' ? (systemDark().matches ? 'dark' : 'light') : choice;
}

export function applyTheme(choice: ThemeChoice = currentTheme()): void {
  if (choice === 'auto') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  if (!following) {
    following = true;
    systemDark().addEventListener('change', paint);
  }
  paint();
}
