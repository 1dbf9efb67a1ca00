import { rollupSuite } from './rollup-suite.js';

// Embedded PGlite in a temp directory.
rollupSuite('pglite');
