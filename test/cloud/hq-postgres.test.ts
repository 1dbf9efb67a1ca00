import { hqSuite } from './hq-suite.js';

hqSuite('postgres');
