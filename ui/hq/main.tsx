import { render } from 'preact';
import '../kit/styles.css';
import './hq.css';
import './api.js';
import { applyTheme } from '../kit/theme.js';
import { App } from './app.js';

applyTheme();
// The fleet is the landing page: fetch its code while the session is checked (routes.ts imports the same module).
if (location.pathname === '/') void import('./pages/fleet.js');
render(<App />, document.getElementById('app')!);
