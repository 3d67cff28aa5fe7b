/**
 * The MH lead records a finding on a detention (issue 14): reviewed, lawful and timely or with
 * concerns (naming the rules), learning points and free text. Through the one command path's
 * transaction and idempotency (inTransaction); appended to `detention_reviews`, which refuses
 * UPDATE and DELETE, so a changed view is a new finding and the history stays.
 */
import { detentionReviews } from '../../db/schema.js';
import { findingById, type Conclusion, type Finding } from '../queries/detention-findings.js';
import type { CommandDeps, CommandMeta, CommandResult } from './deps.js';
import { incidentStore } from './incident-store.js';
import { badField, notFound, type Invalid, type NotFound } from './refusal.js';
import { inTransaction } from './run-command.js';

export interface FindingInput {
  conclusion: Conclusion;
  concernRules: string[];
  learningPoints: string[];
  note: string;
}

export function recordDetentionFinding(deps: CommandDeps, meta: CommandMeta, detentionId: string, input: FindingInput) {
  return inTransaction(deps, meta, (): CommandResult<Finding, NotFound | Invalid> => {
    const incidentId = incidentStore(deps.db).detentionIncident(detentionId);
    if (!incidentId)
      return {
        ok: false,
        refusal: notFound('DETENTION_NOT_FOUND', 'Unknown detention', `no detention with id ${detentionId}`),
      };
    if (input.conclusion === 'lawfulAndTimely' && input.concernRules.length > 0)
      return {
        ok: false,
        refusal: badField('body.concernRules', "a finding of 'lawfulAndTimely' names no rules of concern"),
      };
    if (input.conclusion === 'concerns' && input.concernRules.length === 0 && input.note.trim() === '')
      return {
        ok: false,
        refusal: badField('body.note', 'a finding of concerns names the rules concerned or says what the concern is'),
      };
    const row = deps.db
      .insert(detentionReviews)
      .values({
        detentionId,
        incidentId,
        conclusion: input.conclusion,
        concernRules: JSON.stringify(input.concernRules),
        learningPoints: JSON.stringify(input.learningPoints),
        note: input.note,
        reviewerId: meta.actor.id,
        reviewerRole: meta.actor.role,
        recordedAt: deps.clock.now().toISOString(),
      })
      .run();
    const saved = findingById(deps.db, Number(row.lastInsertRowid))!;
    return { ok: true, status: 201, body: saved, etag: null, replayed: false };
  });
}
