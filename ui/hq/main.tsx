import { render } from 'preact';
import '../kit/styles.css';
import './hq.css';
import './api.js';
import { applyTheme } from '../kit/theme.js';
import { App } from './app.js';
import { prefetch } from './prefetch.js';

applyTheme();
// The fleet is the landing page: fetch its code and its data while the session is checked (routes.ts
// imports the same module; the page takes the prefetched answer).
if (location.pathname === '/') {
  void import('./pages/fleet.js');
  prefetch('/fleet/devices');
}
render(<App />, document.getElementById('app')!);
