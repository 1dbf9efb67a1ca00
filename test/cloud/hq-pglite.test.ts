import { hqSuite } from './hq-suite.js';

hqSuite('pglite');
