import type { DocumentRepairReport } from './json-document.js';

/** The log line for a settings file opened by repair: what was dropped, where the original is. */
export function describeSettingsRepair(r: DocumentRepairReport): string {
  const what =
    r.dropped === null
      ? 'it is not valid JSON; the defaults are used'
      : `${r.dropped.map((d) => `${d.path || '(whole file)'}: ${d.message}`).join('; ')} — those values were dropped (defaults apply), everything else is kept`;
  return `settings file ${r.file} could not be used as it was: ${what}. The original is kept at ${r.rejectedCopy}`;
}
