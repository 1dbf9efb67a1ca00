import { pagesSuite } from './pages-suite.js';

// The same page tests on PGlite (one connection: a smaller simulated fleet keeps the run short; the
// 1,000-box fleet runs on PostgreSQL in pages-postgres.test.ts).
pagesSuite('pglite', { fleetSites: 20, devicesPerSite: 5 });
