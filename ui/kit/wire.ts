/**
 * A zod contract's TypeScript types, for the pages' contracts modules: `Of` is what it parses to (answers),
 * `In` what it accepts (requests, defaults still optional). Type-only: no schema code reaches a bundle.
 */
import type { z } from 'zod';

export type Of<T extends z.ZodType> = z.infer<T>;
export type In<T extends z.ZodType> = z.input<T>;
