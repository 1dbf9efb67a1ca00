import { pagesSuite } from './pages-suite.js';

// HQ's page on the real PostgreSQL, with 1,000 simulated boxes (100 sites × 10).
pagesSuite('postgres', { fleetSites: 100, devicesPerSite: 10 });
