import { render } from 'preact';
import '../kit/styles.css';
import { applyTheme } from '../kit/theme.js';
import { App } from './app.js';

applyTheme();
render(<App />, document.getElementById('app')!);
