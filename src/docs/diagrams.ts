/**
 * The lifecycle diagrams in docs/incidents.md, docs/referrals.md and docs/detentions.md, drawn from
 * the machines themselves (`npm run docs:diagrams` writes them; a test fails when a page drifts).
 */
import { incidentMachine } from '../../machines/incident.machine.js';
import { referralMachine } from '../../machines/referral.machine.js';
import { s136Machine } from '../../machines/s136.machine.js';
import { resourceMachine } from '../../machines/resource.machine.js';
import { mermaidStateDiagram } from './mermaid.js';

/** The state diagrams docs/ carries, by marker name (<!-- diagram:NAME --> … <!-- /diagram:NAME -->). */
export function diagramSections(): Record<string, string> {
  return {
    incident: mermaidStateDiagram(incidentMachine, { hide: ['DEADLINE_REACHED', 'CHILD_STATUS_CHANGED'] }),
    // REFERRAL_CALLER_INFORMED may be recorded in every state but withdrawn without moving it; the docs say so.
    // REFERRAL_IMPORTED only comes with a historic extract (INCIDENT_IMPORTED).
    referral: mermaidStateDiagram(referralMachine, { hide: ['REFERRAL_CALLER_INFORMED', 'REFERRAL_IMPORTED'] }),
    detention: mermaidStateDiagram(s136Machine, { hide: ['DEADLINE_REACHED'] }),
    resource: mermaidStateDiagram(resourceMachine),
  };
}

export function replaceDiagrams(markdown: string, sections: Record<string, string>): string {
  let out = markdown;
  for (const [name, diagram] of Object.entries(sections)) {
    const re = new RegExp(`(<!-- diagram:${name} -->\\n)[\\s\\S]*?(\\n<!-- /diagram:${name} -->)`);
    out = out.replace(re, (_m, start: string, end: string) => `${start}\`\`\`mermaid\n${diagram}\n\`\`\`${end}`);
  }
  return out;
}
