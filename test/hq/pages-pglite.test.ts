import { pagesSuite } from './pages-suite.js';

// The same page tests on PGlite, with 1,000 simulated boxes (100 sites × 10).
pagesSuite('pglite', { fleetSites: 100, devicesPerSite: 10 });
