import type { z } from 'zod';
import type { JsonDocument } from '../store/json-document.js';
import type { DayLog } from '../store/day-log.js';

/**
 * Where accounts keep their state: validated JSON documents and day-segmented logs. The appliance
 * store (`ApplianceStore` in device/src/store/) has exactly this shape.
 */
export interface AccountsPersistence {
  document<S extends z.ZodType>(name: string, schema: S, defaults: z.input<S>): Promise<JsonDocument<z.output<S>>>;
  log<T extends { id: string }>(name: string, schema: z.ZodType<T>, timeOf: (r: T) => number, idPrefix: string): Promise<DayLog<T>>;
}
