/** Light, dark or the system's choice; kept in localStorage, applied as <html data-theme>. */
export type ThemeChoice = 'auto' | 'light' | 'dark';
const KEY = 'cva.theme';

export function currentTheme(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'auto';
}

export function applyTheme(choice: ThemeChoice = currentTheme()): void {
  if (choice === 'auto') {
    localStorage.removeItem(KEY);
    delete document.documentElement.dataset.theme;
  } else {
    localStorage.setItem(KEY, choice);
    document.documentElement.dataset.theme = choice;
  }
}
