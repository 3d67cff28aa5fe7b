import { z } from '@hono/zod-openapi';

export const problemSchema = z
  .object({
    type: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ example: 'RCRP_THRESHOLD_MET' }),
    title: z.string(),
    detail: z.string(),
    rule: z
      .string()
      .nullable()
      .optional()
      .openapi({ example: 'R9', description: 'The rule that refused the command (R1–R45, docs/rules.md)' }),
    allowedEvents: z.array(z.string()).optional(),
    state: z.string().optional(),
    currentVersion: z.number().int().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

export const problemResponse = (description: string) => ({
  content: { 'application/problem+json': { schema: problemSchema } },
  description,
});

export const security = [{ bearerAuth: [] }];

export const idempotencyHeader = z.string().optional().openapi({
  description: 'Retrying a POST with the same key returns the first answer and writes nothing',
  example: '7d6f0c1e-3c1b-4b8e-9d0a-2f4c7c1d2e11',
});
