/**
 * Translators for the MHA s.136/s.135 detention events: from what a user sent to what the s.136
 * machine sees. Stamped in here, so that replay never depends on today's configuration or on other
 * incidents: the force's s.136 settings (when a detention starts), the person as the ADR counts them
 * and their age at the time (R24), configured places of safety, and earlier detentions of the same
 * person across incidents (R30).
 */
import { randomUUID } from 'node:crypto';
import type {
  AgeAtTime,
  DetentionContext,
  DetentionPerson,
  DetentionPolicy,
  Place,
  PriorDetention,
} from '../../machines/detention/index.js';
import { ageBandFor, type Subject } from '../../machines/subject.js';
import type { ForceConfig } from '../config/schema.js';
import type { DetentionPersonInput, PlaceInput } from '../domain/detention-inputs.js';
import type { AggregateState } from '../domain/incident-aggregate.js';
import type { CommandDeps } from './deps.js';
import { incidentStore } from './incident-store.js';
import { badField, conflict, isRefusal, type Conflict, type Invalid } from './refusal.js';
import type { Translators } from './translate-event.js';

export function detentionPolicy(config: ForceConfig): DetentionPolicy {
  const s = config.s136;
  return {
    forceCode: config.force.code,
    warningMinutesBeforeExpiry: [...s.clockWarningsMinutesBeforeExpiry].sort((a, b) => b - a),
    handoverMinutes: s.handoverMinutes,
    handoverRuleAtEmergencyDepartments: s.handoverRuleAtEmergencyDepartments,
    assessmentStartFlagHours: s.assessmentStartFlagHours,
    policeStationPermitted: s.policeStationAsPlaceOfSafety,
    healthcareCheckMinutes: s.healthcareCheckMinutes,
    specialConstablesMayDetain: s.specialConstablesMayDetain,
    notify: { ...s.notify },
  };
}

/** A configured site, or a described place; consents and police-station record with explicit nulls. */
export function resolvePlace(config: ForceConfig, input: PlaceInput, path = 'body.placeOfSafety'): Place | Invalid {
  const site = input.site ? config.s136.placesOfSafety.find((p) => p.code === input.site) : undefined;
  if (site && input.type && input.type !== site.type)
    return badField(`${path}.type`, `site ${site.code} is a ${site.type}, not a ${input.type}`);
  const c = input.consent;
  const ps = input.policeStation;
  return {
    type: site?.type ?? input.type!,
    site: site?.code ?? null,
    label: site?.label ?? input.description!.trim(),
    consent: c
      ? {
          personAgreed: c.personAgreed ?? null,
          personLivesThere: c.personLivesThere ?? null,
          soleOccupier: c.soleOccupier ?? null,
          occupierAgreed: c.occupierAgreed ?? null,
          managerAgreed: c.managerAgreed ?? null,
        }
      : null,
    policeStation: ps
      ? {
          imminentRiskOfSeriousHarm: ps.imminentRiskOfSeriousHarm,
          noOtherPlaceReason: ps.noOtherPlaceReason,
          healthcareRequirementWillBeMet: ps.healthcareRequirementWillBeMet,
          decisionMaker: ps.decisionMaker,
          authorisation: ps.authorisation ? { ...ps.authorisation, at: ps.authorisation.at } : null,
          consultation: {
            consulted: ps.consultation.consulted,
            profession: ps.consultation.profession ?? null,
            notPracticableReason: ps.consultation.notPracticableReason ?? null,
          },
          reasonCode: ps.reasonCode ?? null,
          arrestedForOffence: ps.arrestedForOffence ?? null,
        }
      : null,
  };
}

/** The person as the ADR counts them: the incident's subject, overridden by what the detention records. */
export function detentionPerson(subject: Subject | null, input: DetentionPersonInput | undefined): DetentionPerson {
  const p: DetentionPerson = subject
    ? {
        ageYears: subject.ageYears,
        ageBand: subject.ageYears !== null ? ageBandFor(subject.ageYears) : subject.ageBand,
        gender: subject.gender,
        ethnicity: subject.ethnicity,
      }
    : { ageYears: null, ageBand: null, gender: null, ethnicity: null };
  if (!input) return p;
  if (input.ageYears !== undefined) Object.assign(p, { ageYears: input.ageYears, ageBand: ageBandFor(input.ageYears) });
  else if (input.ageBand !== undefined) Object.assign(p, { ageYears: null, ageBand: input.ageBand });
  if (input.gender !== undefined) p.gender = input.gender;
  if (input.ethnicity !== undefined) p.ethnicity = input.ethnicity;
  return p;
}

const ageKnown = (p: { ageYears: number | null; ageBand: string | null }) =>
  p.ageYears !== null || (p.ageBand !== null && p.ageBand !== 'notKnown');

/** What is known of the person's age now: the detention's own record first, then the incident's subject. */
export function ageNow(state: AggregateState, ctx: DetentionContext | null): AgeAtTime {
  if (ctx && ageKnown(ctx.person)) return { ageYears: ctx.person.ageYears, ageBand: ctx.person.ageBand };
  const s = state.incident.context.subject;
  if (s) return { ageYears: s.ageYears, ageBand: s.ageYears !== null ? ageBandFor(s.ageYears) : s.ageBand };
  return { ageYears: null, ageBand: null };
}

/** Earlier detentions of the same person: others on this incident, and on incidents sharing a person key. */
function priorDetentions(deps: CommandDeps, state: AggregateState, self: string): PriorDetention[] {
  const ctx = state.incident.context;
  const siblings = Object.entries(state.children.detention)
    .filter(([id]) => id !== self)
    .map(([, d]) => d.context as DetentionContext)
    .filter((d) => d.detainedAt !== null)
    .map((d) => ({
      detentionId: d.detentionId,
      incidentId: ctx.incidentId,
      power: d.power,
      detainedAt: d.detainedAt!,
      endedAt: d.outcome?.at ?? null,
      expiresAt: d.expiresAt,
    }));
  const elsewhere = incidentStore(deps.db).priorDetentions(ctx.subject?.personKeys ?? [], ctx.incidentId);
  return [...siblings, ...elsewhere];
}

/** A new detention's id: as given (unique across incidents) or generated. */
function newDetentionId(deps: CommandDeps, state: AggregateState, given: string | undefined): string | Conflict {
  if (!given) return `det-${randomUUID().slice(0, 13)}`;
  const owner = incidentStore(deps.db).detentionIncident(given);
  if (owner && owner !== state.incident.context.incidentId) {
    return conflict(
      'DETENTION_ID_TAKEN',
      'Detention id already used',
      `detention id ${given} is already used on another incident; omit detentionId to have one generated`,
    );
  }
  return given;
}

const detentionOf = (state: AggregateState, id: string) =>
  (state.children.detention[id]?.context as DetentionContext | undefined) ?? null;

export const detentionTranslators: Translators = {
  S136_CONSIDERED(deps, state, i) {
    const detentionId = newDetentionId(deps, state, i.detentionId);
    if (isRefusal(detentionId)) return detentionId;
    return {
      type: 'S136_CONSIDERED',
      detentionId,
      officer: { ...i.officer, rank: i.officer.rank ?? null },
      policy: detentionPolicy(deps.config),
    };
  },
  S135_WARRANT_EXECUTED(deps, state, i) {
    const detentionId = newDetentionId(deps, state, i.detentionId);
    if (isRefusal(detentionId)) return detentionId;
    const place = i.placeOfSafety ? resolvePlace(deps.config, i.placeOfSafety) : null;
    if (isRefusal(place)) return place;
    const person = detentionPerson(state.incident.context.subject, i.person);
    const w = i.warrant;
    return {
      type: 'S135_WARRANT_EXECUTED',
      detentionId,
      power: i.power,
      mode: i.mode,
      warrant: {
        reference: w.reference,
        court: w.court,
        amhpName: w.amhpName ?? null,
        doctorName: w.doctorName ?? null,
        authorisedPerson: w.authorisedPerson ?? null,
        hospital: w.hospital ?? null,
      },
      officer: { ...i.officer, rank: i.officer.rank ?? null },
      placeOfSafety: place,
      person,
      age: ageKnown(person) ? { ageYears: person.ageYears, ageBand: person.ageBand } : ageNow(state, null),
      priorDetentions: priorDetentions(deps, state, detentionId),
      policy: detentionPolicy(deps.config),
    };
  },
  S136_CONSULTATION_RECORDED: (_d, _s, i) => ({
    ...i,
    profession: i.profession ?? null,
    consultee: i.consultee ?? null,
    advice: i.advice ?? null,
    notPracticableReason: i.notPracticableReason ?? null,
  }),
  S136_DETAINED(deps, state, i) {
    const place = i.placeOfSafety ? resolvePlace(deps.config, i.placeOfSafety) : null;
    if (isRefusal(place)) return place;
    const person = detentionPerson(state.incident.context.subject, i.person);
    const { person: _p, placeOfSafety: _pl, ...rest } = i;
    return {
      ...rest,
      officer: { ...i.officer, rank: i.officer.rank ?? null },
      placeOfSafety: place,
      person,
      age: ageKnown(person) ? { ageYears: person.ageYears, ageBand: person.ageBand } : ageNow(state, null),
      priorDetentions: priorDetentions(deps, state, i.detentionId),
    };
  },
  S136_CONVEYANCE_RECORDED: (_d, _s, i) => ({
    ...i,
    ambulanceRequested: i.ambulanceRequested ?? null,
    ambulanceRequestedAt: i.ambulanceRequestedAt ?? null,
    ambulanceEta: i.ambulanceEta ?? null,
    policeVehicleReason: i.policeVehicleReason ?? null,
    reasonText: i.reasonText ?? null,
  }),
  S136_ARRIVED_AT_PLACE_OF_SAFETY(deps, state, i) {
    const place = resolvePlace(deps.config, i.placeOfSafety);
    if (isRefusal(place)) return place;
    return { ...i, placeOfSafety: place, age: ageNow(state, detentionOf(state, i.detentionId)) };
  },
  S136_TRANSFERRED(deps, state, i) {
    const place = resolvePlace(deps.config, i.placeOfSafety);
    if (isRefusal(place)) return place;
    return {
      ...i,
      placeOfSafety: place,
      policeAccompanying: i.policeAccompanying ?? i.by === 'constable',
      age: ageNow(state, detentionOf(state, i.detentionId)),
    };
  },
  S136_HEALTHCARE_CHECK_RECORDED: (_d, _s, i) => ({ ...i, note: i.note ?? null }),
  S136_EXTENSION_AUTHORISED: (_d, _s, i) => ({
    ...i,
    authoriser: { ...i.authoriser, gmcNumber: i.authoriser.gmcNumber ?? null },
    assessmentAtPoliceStation: i.assessmentAtPoliceStation ?? null,
    superintendentApproval: i.superintendentApproval ?? null,
  }),
  S136_OUTCOME_RECORDED: (_d, _s, i) => ({
    ...i,
    doctorExaminedAt: i.doctorExaminedAt ?? null,
    amhpInterviewedAt: i.amhpInterviewedAt ?? null,
    assessmentEndedAt: i.assessmentEndedAt ?? null,
    application: i.application
      ? {
          amhpApplicationAt: i.application.amhpApplicationAt ?? null,
          medicalRecommendations: i.application.medicalRecommendations,
        }
      : null,
    reportedByHealth: i.reportedByHealth ?? false,
    note: i.note ?? null,
  }),
  S136_ADR_RECORDED: (_d, _s, i) => ({
    ...i,
    person: i.person ?? {},
    firstPlaceOfSafety: i.firstPlaceOfSafety ?? null,
    conveyanceMethod: i.conveyanceMethod ?? null,
    policeStationReason: i.policeStationReason ?? null,
    arrestedForOffence: i.arrestedForOffence ?? null,
  }),
};
