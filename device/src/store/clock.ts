/** Kept so existing `store/clock.js` imports still resolve; the one implementation lives in util/clock.ts. */
export { systemClock, ManualClock, type Clock } from '../util/clock.js';
