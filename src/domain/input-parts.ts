/**
 * The building blocks every input module uses (bounded text, config codes as enums, instants with
 * an offset stored as UTC). Their own module, below the area modules, so that incident-inputs.ts
 * can merge the areas without the areas importing it back (no import cycle).
 */
import { z } from '@hono/zod-openapi';

const text = (max: number) => z.string().max(max);
const enumOf = (values: readonly string[]) => z.enum(values as [string, ...string[]]);

/** An instant with an explicit offset ("Z" or "+01:00"), stored as UTC. */
export const instant = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s).toISOString())
  .openapi({ example: '2026-11-23T21:10:00Z', description: 'ISO-8601 instant with offset; stored as UTC' });

/** Shared building blocks for area input modules. */
export const inputParts = {
  text,
  enumOf,
  instant,
  at: { occurredAt: instant },
  note: (max: number) => text(max).optional(),
};
