import { cloudSuite } from './suite.js';

// The same suite on embedded PGlite in a temp directory.
cloudSuite('pglite');
