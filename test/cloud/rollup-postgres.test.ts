import { rollupSuite } from './rollup-suite.js';

// Real PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), own schema per run.
rollupSuite('postgres');
