/** Visits: the tracker (write side), queries, CSV and reports (read side). */
export { VisitTracker, type VisitTrackerDeps, type TrackerError } from './visit-tracker.js';
export { Sighting } from './sighting.js';
export { PersonStats, PersonStatsData, PersonEntry } from './person-stats.js';
export { VisitQuery, type VisitQueryDeps } from './visit-query.js';
export { VisitFilterParams, parseVisitFilter, visitPredicate } from './visit-filter.js';
export { visitsCsv, visitCsvRow, VISIT_CSV_COLUMNS } from './visit-csv.js';
export { buildVisitReport, type VisitReport, type DayRow } from './reports.js';
export { zonedDayKey, startOfZonedDay, isValidTimeZone } from './site-time.js';
export { openVisitModule, type VisitModule } from './visit-module.js';
export { OpenVisitIndex, OpenVisitIds } from './open-visit-index.js';
