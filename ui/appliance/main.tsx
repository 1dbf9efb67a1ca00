import { render } from 'preact';
import '../kit/styles.css';
import { applyTheme } from '../kit/theme.js';
import { App } from './app.js';
import { preloadRoute } from './routes.js';

applyTheme();
preloadRoute(location.pathname);
render(<App />, document.getElementById('app')!);
