/** Writes docs/openapi.json from the route table (`node dist/device/src/http/openapi-cli.js [out]`). */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { repoRoot } from '../util/paths.js';
import { apiDocument } from './app.js';
import { appVersion } from '../services/system-service.js';

const out = resolve(process.argv[2] ?? resolve(repoRoot, 'docs', 'openapi.json'));
await writeFile(out, JSON.stringify(apiDocument(appVersion()), null, 2) + '\n');
console.log(`wrote ${out}`);
