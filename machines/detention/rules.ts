/**
 * Every rule the detention machine enforces: where s.136 may be used (R16), who may detain (R17),
 * the criteria (R18), consultation (R19), the clock start (R21), transfers (R22), the permitted
 * period (R23), places of safety (R24, R25, R27), extensions (R28, R29), consecutive detentions
 * (R30), police release (R31), warrants (R32), conveyance (R33, R34), the handover (R35), outcomes
 * (R36), assessment times (R37) and the ADR record (R42, which also keeps the incident open).
 * Time order is kit.ts's; R20 (a child may be detained) is kept by not refusing one.
 *
 * Each event type has `when` rules (the context and the moment: they also decide which events are
 * offered now) and `check` rules (the payload); both return the rule an event would break, or null.
 * Then: what a state refuses, what blocks closing the incident, and the flags events raise. The
 * clocks (R23, R26, R35, R37) are measured in clock.ts under the rules named in CLOCK_RULES.
 */
import {
  type EventMeta,
  type Flag,
  isBlank,
  notBefore,
  type RuleBook,
  timeBeforeStart,
  timeOrderViolation,
  type Violation,
  v,
} from '../kit.js';
import { rankAtLeast } from '../ranks.js';
import {
  type AgeAtTime,
  adrAgeBand,
  arrestedForOffence,
  atPoliceStation,
  CONSULTEE_PROFESSIONS,
  currentStay,
  type DetentionContext,
  type DetentionEvent,
  type DetentionPolicy,
  DWELLING_LOCATIONS,
  extensionMinutes,
  hoursText,
  isUnder18,
  MAX_EXTENSION_MS,
  type Officer,
  type Outcome,
  type Place,
  POLICE_VEHICLE_REASONS,
  type PriorDetention,
  placeName,
  policeStationReason,
  powerLabel,
  usedPoliceStation,
} from './events.js';

/** The rules behind the detention's clocks (clock.ts). */
export const CLOCK_RULES = {
  /** R23: warnings before, and the lapse at, the end of the permitted period. */
  period: 'R23',
  /** R35: NHS acceptance expected within the force's handover minutes of arrival, unless an extended stay is agreed. */
  handover: 'R35',
  /** R26: a healthcare-professional welfare check at least every N minutes at a police station. */
  welfareCheck: 'R26',
  /** R37: the assessment expected to start within N hours of the clock starting. */
  assessmentStart: 'R37',
} as const;

const MINUTE = 60_000;

/** R36: outcomes reached by a mental-health assessment need a doctor's examination time. */
const ASSESSED_OUTCOMES: readonly Outcome[] = [
  'dischargedNFA',
  'dischargedWithReferral',
  'informalAdmission',
  'detainedS2',
  'detainedS3',
  'detainedS4',
];
/** R36: outcomes possible before the person reached a place of safety. */
const PRE_ARRIVAL_OUTCOMES: readonly Outcome[] = ['arrestedForOffence', 'other'];

/** R17: only a constable (sworn, including specials where the force allows) may detain. */
function officerViolation(policy: DetentionPolicy, o: Officer, what: string): Violation | null {
  if (isBlank(o.name)) return v('R17', 'OFFICER_REQUIRED', `${what} needs the name or number of the officer`);
  if (o.role === 'constable') return null;
  if (o.role === 'specialConstable' && policy.specialConstablesMayDetain) return null;
  const who =
    o.role === 'pcso'
      ? 'a PCSO'
      : o.role === 'policeStaff'
        ? 'police staff'
        : 'a special constable (not permitted by force policy)';
  return v(
    'R17',
    'NOT_A_CONSTABLE',
    `only a constable may ${what === 'a s.136 detention' ? 'detain under s.136' : 'execute the warrant'}; the ` +
      `officer recorded is ${who}`,
  );
}

/** R30: no second detention while an earlier one of the same person has not ended (no consecutive detentions). */
function priorDetentionViolation(at: string, priors: PriorDetention[], self: string): Violation | null {
  for (const p of priors) {
    if (p.detentionId === self || p.detainedAt > at) continue;
    if (p.endedAt === null) {
      if (p.expiresAt !== null && at >= p.expiresAt) {
        return v(
          'R30',
          'CONSECUTIVE_DETENTION',
          `consecutive detentions are unlawful: ${powerLabel(p.power)} detention ${p.detentionId} of this person ` +
            `expired at ${p.expiresAt} and no release or outcome is recorded; record its outcome first`,
        );
      }
      return v(
        'R30',
        'ALREADY_DETAINED',
        `this person is already detained under ${powerLabel(p.power)} (detention ${p.detentionId}); record its ` +
          `transfer or outcome instead of a new detention`,
      );
    }
    if (p.endedAt > at) {
      return v(
        'R30',
        'OVERLAPPING_DETENTION',
        `this person's detention ${p.detentionId} did not end until ${p.endedAt}; a new detention cannot start ` +
          `before that`,
      );
    }
  }
  return null;
}

const validProfession = (p: string | null): boolean =>
  p !== null && (CONSULTEE_PROFESSIONS as readonly string[]).includes(p);

/**
 * R24, R25, R27 and the force's police-station setting, for any place the person is taken to or kept at.
 * Exported so that a screen can offer only the places the law allows for this person (it asks, it
 * does not re-decide).
 */
export function placeViolation(policy: DetentionPolicy, place: Place, age: AgeAtTime, at: string): Violation | null {
  if (place.type === 'policeStation') {
    if (isUnder18(age) === true) {
      return v(
        'R24',
        'CHILD_AT_POLICE_STATION',
        'a police station can never be a place of safety for a person under 18 (s.136A): choose a health-based place ' +
          'of safety or an emergency department',
      );
    }
    if (!policy.policeStationPermitted) {
      return v(
        null,
        'POLICE_STATION_NOT_PERMITTED',
        "this force's configuration does not allow police stations as a place of safety",
      );
    }
    const ps = place.policeStation;
    if (!ps)
      return v(
        'R25',
        'POLICE_STATION_CONDITIONS_REQUIRED',
        'a police station for an adult needs the Regulations record: imminent risk, why no other place, healthcare ' +
          'presence, decision-maker and (below inspector) authorisation',
      );
    if (!ps.imminentRiskOfSeriousHarm)
      return v(
        'R25',
        'NO_IMMINENT_RISK',
        "a police station may be used only when the person's behaviour poses an imminent risk of serious injury or " +
          'death',
      );
    if (isBlank(ps.noOtherPlaceReason))
      return v(
        'R25',
        'NO_OTHER_PLACE_REASON_REQUIRED',
        'record why no other place of safety in the police area can reasonably be expected to detain the person',
      );
    if (!ps.healthcareRequirementWillBeMet)
      return v(
        'R25',
        'HEALTHCARE_REQUIREMENT',
        'a police station may be used only when a healthcare professional will check the person at least every 30 ' +
          'minutes (reg 4)',
      );
    if (isBlank(ps.decisionMaker.name))
      return v('R25', 'DECISION_MAKER_REQUIRED', 'record who decided to use the police station (name and rank)');
    if (!rankAtLeast(ps.decisionMaker.rank, 'inspector')) {
      const a = ps.authorisation;
      if (!a || isBlank(a.name))
        return v(
          'R25',
          'INSPECTOR_AUTHORISATION_REQUIRED',
          `the decision-maker is a ${ps.decisionMaker.rank}: an inspector or above must authorise a police station ` +
            `(name, rank, time)`,
        );
      if (!rankAtLeast(a.rank, 'inspector'))
        return v(
          'R25',
          'AUTHORISATION_RANK',
          `a police station must be authorised by an inspector or above, not a ${a.rank}`,
        );
      if (a.at > at)
        return v(
          'R25',
          'AUTHORISATION_AFTER_USE',
          `the authorisation (${a.at}) is after the police station was used (${at})`,
        );
    }
    const c = ps.consultation;
    if (c.consulted && !validProfession(c.profession)) {
      return v(
        'R25',
        'CONSULTEE_NOT_ALLOWED',
        `before using a police station, consult one of: ${CONSULTEE_PROFESSIONS.join(', ')}`,
      );
    }
    if (!c.consulted && isBlank(c.notPracticableReason))
      return v(
        'R25',
        'CONSULTATION_REQUIRED',
        'record the consultation before using a police station, or why it was not reasonably practicable',
      );
  }
  if (place.type === 'privateDwelling') {
    const c = place.consent;
    if (c?.personAgreed !== true)
      return v('R27', 'CONSENT_REQUIRED', 'a home is a place of safety only if the person agrees (s.135(7))');
    if (c.personLivesThere === null)
      return v('R27', 'CONSENT_REQUIRED', 'record whether the person lives at this home');
    if (c.personLivesThere) {
      if (c.soleOccupier !== true && c.occupierAgreed !== true)
        return v(
          'R27',
          'OCCUPIER_CONSENT_REQUIRED',
          'the person is not the sole occupier: another occupier must also agree',
        );
    } else if (c.occupierAgreed !== true) {
      return v('R27', 'OCCUPIER_CONSENT_REQUIRED', 'the person does not live here: an occupier must also agree');
    }
  }
  if (place.type === 'otherSuitablePlace' && place.consent?.managerAgreed !== true) {
    return v(
      'R27',
      'MANAGER_CONSENT_REQUIRED',
      'another suitable place needs the agreement of the person who appears to be responsible for managing it ' +
        '(s.135(7))',
    );
  }
  return null;
}

/** R23: after expiry nothing that implies the person is still detained may happen. */
function afterExpiry(ctx: DetentionContext, at: string, what: string): Violation | null {
  if (ctx.expiresAt && at >= ctx.expiresAt) {
    return v(
      'R23',
      'DETENTION_EXPIRED',
      `${what} at ${at} implies continuing detention, but the permitted period expired at ${ctx.expiresAt}; record ` +
        `the outcome 'lapsed'`,
    );
  }
  return null;
}

/** R37: an assessment time must fall inside the permitted period. */
function inPeriod(ctx: DetentionContext, at: string | null, label: string): Violation | null {
  if (at === null) return null;
  if (!ctx.clockStart || at < ctx.clockStart)
    return v(
      'R37',
      'ASSESSMENT_OUTSIDE_PERIOD',
      `${label} (${at}) is before the detention clock started (${ctx.clockStart ?? 'not started'})`,
    );
  if (ctx.expiresAt && at > ctx.expiresAt)
    return v(
      'R37',
      'ASSESSMENT_OUTSIDE_PERIOD',
      `${label} (${at}) is after the permitted period expired (${ctx.expiresAt})`,
    );
  return null;
}

/** R42: the ADR fields still missing; "notKnown" is an answer, empty is not. */
export function adrMissing(c: DetentionContext): string[] {
  const missing: string[] = [];
  if (adrAgeBand(c.person) === null) missing.push('ageGroup');
  if (c.person.gender === null) missing.push('gender');
  if (c.person.ethnicity === null) missing.push('ethnicity');
  if (c.stays.length === 0 && c.adr.firstPlaceOfSafety === null) missing.push('firstPlaceOfSafety');
  if (c.conveyance === null && c.adr.conveyanceMethod === null) missing.push('conveyanceMethod');
  if (c.conveyance?.method === 'policeVehicle' && c.conveyance.policeVehicleReason === null)
    missing.push('policeVehicleReason');
  if (usedPoliceStation(c)) {
    if (policeStationReason(c) === null) missing.push('policeStationReason');
    if (arrestedForOffence(c) === null) missing.push('arrestedForOffence');
  }
  return missing;
}

/** R19: the consultation comes before the decision to detain. */
const consultationMissing = () =>
  v(
    'R19',
    'CONSULTATION_REQUIRED',
    'before deciding to detain, record the consultation (doctor, nurse, AMHP, paramedic or occupational therapist) ' +
      'or that it was not practicable and why',
  );

export const detentionRules: RuleBook<DetentionContext, DetentionEvent> = {
  S136_CONSIDERED: {},
  S135_WARRANT_EXECUTED: {
    check(_ctx, e) {
      const officer = officerViolation(e.policy, e.officer, 'a warrant');
      if (officer) return officer;
      const w = e.warrant;
      if (isBlank(w.reference) || isBlank(w.court))
        return v('R32', 'WARRANT_DETAILS_REQUIRED', 'record the warrant reference and the issuing court');
      if (e.power === 's135_1' && (isBlank(w.amhpName) || isBlank(w.doctorName))) {
        return v(
          'R32',
          'ACCOMPANIMENT_REQUIRED',
          'a s.135(1) warrant is executed with an AMHP and a registered medical practitioner: record both names',
        );
      }
      if (e.power === 's135_2' && isBlank(w.authorisedPerson) && isBlank(w.hospital)) {
        return v(
          'R32',
          'AUTHORISED_PERSON_REQUIRED',
          'a s.135(2) warrant needs the authorised person or the hospital the patient is liable to be detained in',
        );
      }
      if (e.mode === 'kept' && !e.placeOfSafety)
        return v(
          'R21',
          'PLACE_REQUIRED',
          'keeping the person at the premises needs the premises recorded as the place of safety',
        );
      const prior = priorDetentionViolation(e.occurredAt, e.priorDetentions, e.detentionId);
      if (prior) return prior;
      if (e.placeOfSafety) return placeViolation(e.policy, e.placeOfSafety, e.age, e.occurredAt);
      return null;
    },
  },
  S136_CONSULTATION_RECORDED: {
    check(_ctx, e) {
      if (e.practicable) {
        if (!validProfession(e.profession)) {
          return v(
            'R19',
            'CONSULTEE_NOT_ALLOWED',
            `the person consulted must be one of: ${CONSULTEE_PROFESSIONS.join(', ')} (s.136(1C), reg 8); got ` +
              `'${e.profession ?? ''}'`,
          );
        }
        if (isBlank(e.advice)) return v('R19', 'ADVICE_REQUIRED', 'record a summary of the advice given');
      } else if (isBlank(e.notPracticableReason)) {
        return v('R19', 'REASON_REQUIRED', 'consultation was not practicable: record why');
      }
      return null;
    },
  },
  S136_NOT_DETAINED: {
    check: (_ctx, e) =>
      isBlank(e.reason) ? v(null, 'REASON_REQUIRED', 'record why s.136 was not used and what happened instead') : null,
  },
  S136_DETAINED: {
    when: (ctx) => (ctx.consultations.length === 0 ? consultationMissing() : null),
    check(ctx, e) {
      const late = ctx.consultations.find((c) => c.at > e.occurredAt);
      if (late)
        return v(
          'R19',
          'CONSULTATION_AFTER_DECISION',
          `the consultation (${late.at}) must come before the decision to detain (${e.occurredAt})`,
        );
      if (DWELLING_LOCATIONS.includes(e.locationType)) {
        return v(
          'R16',
          'DWELLING',
          's.136 cannot be used in a house, flat or room where the person or anyone else lives, or its private ' +
            'yard, garden, garage or outhouse (s.136(1A)); consider s.135 or the Mental Capacity Act',
        );
      }
      const officer = officerViolation(ctx.policy, e.officer, 'a s.136 detention');
      if (officer) return officer;
      const k = e.criteria;
      const unmet = [
        !k.apparentMentalDisorder && 'apparent mental disorder',
        !k.immediateNeedOfCareOrControl && 'immediate need of care or control',
        !k.necessaryForProtection && "necessary in the person's interests or for the protection of others",
      ].filter(Boolean);
      if (unmet.length > 0)
        return v('R18', 'CRITERIA_NOT_MET', `s.136 needs all three criteria; not met: ${unmet.join('; ')}`);
      if (isBlank(e.grounds))
        return v('R18', 'GROUNDS_REQUIRED', 'record the grounds: what the officer saw that met the criteria');
      if (e.mode === 'kept' && !e.placeOfSafety)
        return v('R21', 'PLACE_REQUIRED', 'keeping the person where they are needs that place of safety recorded');
      const prior = priorDetentionViolation(e.occurredAt, e.priorDetentions, e.detentionId);
      if (prior) return prior;
      if (e.placeOfSafety) return placeViolation(ctx.policy, e.placeOfSafety, e.age, e.occurredAt);
      return null;
    },
  },
  S136_CONVEYANCE_RECORDED: {
    check(ctx, e) {
      const t = notBefore(e.occurredAt, ctx.detainedAt, 'the detention');
      if (t) return t;
      if (e.method === 'noneAlreadyAtPoS')
        return v(
          'R33',
          'NOT_AT_PLACE_OF_SAFETY',
          "'noneAlreadyAtPoS' is only for a person kept where they already are; this person was removed",
        );
      if (e.method !== 'policeVehicle') return null;
      if (e.ambulanceRequested === null)
        return v(
          'R33',
          'AMBULANCE_REQUEST_REQUIRED',
          'a police-vehicle conveyance needs whether an ambulance was requested',
        );
      if (e.ambulanceRequested && e.ambulanceRequestedAt === null)
        return v('R33', 'AMBULANCE_REQUEST_TIME_REQUIRED', 'record when the ambulance was requested and its ETA');
      if (e.policeVehicleReason === null)
        return v(
          'R33',
          'POLICE_VEHICLE_REASON_REQUIRED',
          `record why a police vehicle was used: ${POLICE_VEHICLE_REASONS.join(', ')}`,
        );
      if (e.ambulanceRequested && e.policeVehicleReason === 'ambulanceNotRequested')
        return v(
          'R33',
          'REASON_CONTRADICTS_REQUEST',
          "the ambulance was requested, so the reason cannot be 'ambulanceNotRequested'",
        );
      if (!e.ambulanceRequested && e.policeVehicleReason !== 'ambulanceNotRequested')
        return v(
          'R33',
          'REASON_CONTRADICTS_REQUEST',
          "no ambulance was requested: the reason is 'ambulanceNotRequested'",
        );
      if (e.policeVehicleReason === 'other' && isBlank(e.reasonText))
        return v('R33', 'REASON_TEXT_REQUIRED', "reason 'other' needs a description");
      if (e.ambulanceRequestedAt && e.ambulanceRequestedAt > e.occurredAt)
        return timeBeforeStart('the ambulance request cannot be after the conveyance began');
      return null;
    },
  },
  S136_ARRIVED_AT_PLACE_OF_SAFETY: {
    check: (ctx, e) =>
      notBefore(e.occurredAt, ctx.detainedAt, 'the detention') ??
      placeViolation(ctx.policy, e.placeOfSafety, e.age, e.occurredAt),
  },
  S136_TRANSFERRED: {
    when: (ctx, at) => afterExpiry(ctx, at, 'a transfer'),
    check(ctx, e) {
      if (isBlank(e.byName)) return v('R22', 'TRANSFER_BY_REQUIRED', 'record who made the transfer (name)');
      return (
        notBefore(e.occurredAt, currentStay(ctx)!.arrivedAt, 'arrival at the current place of safety', 'R22') ??
        placeViolation(ctx.policy, e.placeOfSafety, e.age, e.occurredAt)
      );
    },
  },
  S136_HEALTHCARE_CHECK_RECORDED: {
    when(ctx, at) {
      if (!atPoliceStation(ctx))
        return v(
          'R26',
          'NOT_AT_POLICE_STATION',
          'healthcare welfare checks are recorded while the person is held at a police station',
        );
      return afterExpiry(ctx, at, 'a welfare check in custody');
    },
    check(ctx, e) {
      const stay = currentStay(ctx)!;
      if (isBlank(e.professional))
        return v('R26', 'PROFESSIONAL_REQUIRED', 'record which healthcare professional made the check');
      return notBefore(e.occurredAt, stay.lastCheckAt ?? stay.arrivedAt, 'the previous check or arrival');
    },
  },
  S136_NHS_ACCEPTED: {
    when(ctx, at) {
      const stay = currentStay(ctx);
      if (stay?.place.type === 'policeStation')
        return v(
          'R35',
          'NO_HANDOVER_AT_POLICE_STATION',
          'there is no NHS handover at a police station; record a transfer to a health-based place of safety',
        );
      if (stay?.acceptedAt)
        return v('R35', 'ALREADY_ACCEPTED', `NHS staff already accepted the person here at ${stay.acceptedAt}`);
      return afterExpiry(ctx, at, 'NHS acceptance of a detained person');
    },
    check(ctx, e) {
      if (isBlank(e.acceptedBy))
        return v('R35', 'ACCEPTED_BY_REQUIRED', 'record who accepted the person for the NHS (name or role)');
      return notBefore(e.occurredAt, currentStay(ctx)!.arrivedAt, 'arrival', 'R35');
    },
  },
  S136_EXTENDED_STAY_AGREED: {
    when(ctx, at) {
      const stay = currentStay(ctx);
      if (!stay?.policeInAttendance || stay.place.type === 'policeStation')
        return v('R35', 'NO_HANDOVER_HERE', 'police are not waiting to hand over at this place');
      if (stay.departedAt) return v('R35', 'ALREADY_DEPARTED', 'police have already left this place of safety');
      if (stay.extendedStay)
        return v(
          'R35',
          'EXTENDED_STAY_ALREADY_AGREED',
          `an extended stay was already agreed here at ${stay.extendedStay.at} (${stay.extendedStay.nhsContact})`,
        );
      return afterExpiry(ctx, at, 'an agreed police stay');
    },
    check(ctx, e) {
      if (isBlank(e.reason) || isBlank(e.nhsContact))
        return v(
          'R35',
          'EXTENDED_STAY_DETAILS',
          'a mutually agreed extended stay needs the reason and the NHS contact who agreed it',
        );
      return notBefore(e.occurredAt, currentStay(ctx)!.arrivedAt, 'arrival', 'R35');
    },
  },
  S136_POLICE_DEPARTED: {
    when(ctx) {
      const stay = currentStay(ctx);
      if (!stay)
        return v(
          'R35',
          'NOT_AT_PLACE_OF_SAFETY',
          'the person never reached a place of safety: there is no handover to leave',
        );
      if (!stay.acceptedAt) return handoverNotAccepted();
      if (stay.departedAt) return v(null, 'ALREADY_DEPARTED', `police already left at ${stay.departedAt}`);
      return null;
    },
    check: (ctx, e) => notBefore(e.occurredAt, currentStay(ctx)!.acceptedAt, 'NHS acceptance', 'R35'),
  },
  S136_ASSESSMENT_STARTED: {
    when(ctx, at) {
      if (ctx.assessmentStartedAt)
        return v(null, 'ALREADY_STARTED', `the assessment already started at ${ctx.assessmentStartedAt}`);
      return inPeriod(ctx, at, 'the assessment start') ?? afterExpiry(ctx, at, 'starting the assessment');
    },
  },
  S136_EXTENSION_AUTHORISED: {
    when(ctx, at) {
      if (extensionMinutes(ctx) * MINUTE >= MAX_EXTENSION_MS)
        return v(
          'R28',
          'EXTENSION_TOO_LONG',
          `extensions may total at most 12 hours (36 hours in all); ${hoursText(MAX_EXTENSION_MS)} already granted`,
        );
      if (at < ctx.clockStart!)
        return v('R28', 'TIME_BEFORE_START', 'an extension cannot be authorised before the clock started');
      if (at >= ctx.baseExpiresAt!) {
        return v(
          'R28',
          'EXTENSION_AFTER_EXPIRY',
          `an extension must be authorised before the 24-hour period expires (${ctx.baseExpiresAt}); it was ` +
            `recorded at ${at}`,
        );
      }
      return null;
    },
    check(ctx, e) {
      const a = e.authoriser;
      if (a.profession !== 'registeredMedicalPractitioner' || !a.responsibleForExamination || isBlank(a.name)) {
        return v(
          'R28',
          'EXTENSION_AUTHORISER',
          'only the registered medical practitioner responsible for the examination may extend the detention ' +
            '(s.136B): record their name and that they are responsible',
        );
      }
      if (e.ground !== 'personsCondition') {
        return v(
          'R28',
          'EXTENSION_GROUND_NOT_LAWFUL',
          `'${e.ground}' is not a lawful ground: the only ground is that the person's condition makes it ` +
            `impracticable to complete the assessment within 24 hours (unavailability of a bed, AMHP, doctor or ` +
            `transport is not)`,
        );
      }
      if (isBlank(e.reason))
        return v('R28', 'EXTENSION_REASON_REQUIRED', "describe how the person's condition prevents the assessment");
      const used = extensionMinutes(ctx) * MINUTE;
      const asked = Math.round(e.hours * 60) * MINUTE;
      if (used + asked > MAX_EXTENSION_MS) {
        return v(
          'R28',
          'EXTENSION_TOO_LONG',
          `extensions may total at most 12 hours (36 hours in all); ${hoursText(used)} already granted, ` +
            `${hoursText(asked)} asked`,
        );
      }
      if (atPoliceStation(ctx) && e.assessmentAtPoliceStation !== false) {
        const s = e.superintendentApproval;
        if (!s || isBlank(s.name))
          return v(
            'R29',
            'SUPERINTENDENT_APPROVAL_REQUIRED',
            'the person is held at a police station: an officer of superintendent rank or above must approve the ' +
              'extension (s.136B(3))',
          );
        if (!rankAtLeast(s.rank, 'superintendent'))
          return v(
            'R29',
            'SUPERINTENDENT_RANK',
            `the approval must come from a superintendent or above, not a ${s.rank}`,
          );
      }
      return null;
    },
  },
  S136_OUTCOME_RECORDED: {
    check(ctx, e) {
      const o = e.outcome;
      if (ctx.stays.length === 0 && !PRE_ARRIVAL_OUTCOMES.includes(o)) {
        return v(
          'R36',
          'OUTCOME_NEEDS_PLACE_OF_SAFETY',
          `'${o}' follows an assessment at a place of safety; before arrival the outcome can only be ` +
            `${PRE_ARRIVAL_OUTCOMES.join(' or ')}`,
        );
      }
      const start = notBefore(e.occurredAt, ctx.detainedAt, 'the detention');
      if (start) return start;
      if (o === 'lapsed') {
        if (!ctx.expiresAt || e.occurredAt < ctx.expiresAt)
          return v(
            'R36',
            'NOT_LAPSED',
            `the detention has not lapsed: the permitted period runs until ${ctx.expiresAt ?? '(clock not started)'}`,
          );
        return null;
      }
      const expired = afterExpiry(ctx, e.occurredAt, `the outcome '${o}'`);
      if (expired) return expired;
      if (ASSESSED_OUTCOMES.includes(o) && e.doctorExaminedAt === null) {
        return v(
          'R36',
          'DOCTOR_EXAMINATION_REQUIRED',
          `'${o}' needs the time the registered medical practitioner examined the person`,
        );
      }
      const detainedUnderPart2 = o === 'detainedS2' || o === 'detainedS3' || o === 'detainedS4';
      if (detainedUnderPart2 && e.amhpInterviewedAt === null)
        return v('R36', 'AMHP_INTERVIEW_REQUIRED', `'${o}' needs the time the AMHP interviewed the person`);
      if (detainedUnderPart2 && !e.reportedByHealth) {
        const need = o === 'detainedS4' ? 1 : 2;
        const a = e.application;
        if (!a || a.amhpApplicationAt === null || a.medicalRecommendations < need) {
          return v(
            'R36',
            'APPLICATION_REQUIRED',
            `'${o}' needs the AMHP application time and ${need} medical recommendation${need > 1 ? 's' : ''}, or ` +
              `reportedByHealth when the NHS holds those records`,
          );
        }
      }
      const startAt = assessmentStart(ctx, e);
      const endAt = e.assessmentEndedAt ?? (startAt ? e.occurredAt : null);
      for (const [at, label] of [
        [e.doctorExaminedAt, 'the doctor examination'],
        [e.amhpInterviewedAt, 'the AMHP interview'],
        [e.application?.amhpApplicationAt ?? null, 'the AMHP application'],
        [startAt, 'the assessment start'],
        [endAt, 'the assessment end'],
      ] as const) {
        const p = inPeriod(ctx, at, label);
        if (p) return p;
        if (at && at > e.occurredAt)
          return timeOrderViolation(
            'TIME_AFTER_OUTCOME',
            `${label} (${at}) is after the outcome was recorded as happening (${e.occurredAt})`,
          );
      }
      if (startAt && endAt && endAt < startAt)
        return v(
          'R37',
          'ASSESSMENT_ENDS_BEFORE_START',
          `the assessment end (${endAt}) is before its start (${startAt})`,
        );
      return null;
    },
  },
  S136_RELEASED_BY_POLICE: {
    when: (ctx, at) => afterExpiry(ctx, at, 'a release under s.136 powers'),
    check(ctx, e) {
      if (isBlank(e.reason))
        return v(
          'R31',
          'RELEASE_REASON_REQUIRED',
          'a release by police before the assessment outcome needs the reason',
        );
      if (isBlank(e.supervisor.name) || !rankAtLeast(e.supervisor.rank, 'sergeant')) {
        return v(
          'R31',
          'SUPERVISOR_REVIEW_REQUIRED',
          'a release by police before the assessment outcome must be reviewed by a supervisor (sergeant or above): ' +
            'name and rank',
        );
      }
      return notBefore(e.occurredAt, ctx.detainedAt, 'the detention');
    },
  },
  S136_ADR_RECORDED: {
    check(ctx, e) {
      if (e.firstPlaceOfSafety !== null && ctx.stays.length > 0)
        return v(
          'R42',
          'ADR_FIELD_FROM_RECORD',
          'the first place of safety is known from the arrival record and cannot be overwritten',
        );
      if (e.conveyanceMethod !== null && ctx.conveyance !== null)
        return v(
          'R42',
          'ADR_FIELD_FROM_RECORD',
          'the conveyance method is known from the conveyance record and cannot be overwritten',
        );
      if ((e.policeStationReason !== null || e.arrestedForOffence !== null) && !usedPoliceStation(ctx)) {
        return v('R42', 'ADR_FIELD_NOT_APPLICABLE', 'police-station fields apply only when a police station was used');
      }
      return null;
    },
  },
  S136_CLOSED: {
    when(ctx) {
      const missing = adrMissing(ctx);
      if (missing.length > 0) {
        return v(
          'R42',
          'ADR_INCOMPLETE',
          `the Home Office ADR record is incomplete; missing: ${missing.join(', ')} (record "notKnown" where it is ` +
            `not known)`,
        );
      }
      const open = ctx.stays.find((s) => s.acceptedAt && !s.departedAt);
      if (open)
        return v(
          'R35',
          'DEPARTURE_REQUIRED',
          `record when police left ${placeName(open.place)} (NHS accepted the person at ${open.acceptedAt})`,
        );
      return null;
    },
  },
  // A deadline is judged by its clock (clock.ts, detentionDeadlineViolation).
  DEADLINE_REACHED: {},
};

/** When the assessment started: as recorded, else the earliest of the doctor's examination and the AMHP's interview. */
export function assessmentStart(
  ctx: DetentionContext,
  e: { doctorExaminedAt: string | null; amhpInterviewedAt: string | null },
): string | null {
  return (
    ctx.assessmentStartedAt ??
    [e.doctorExaminedAt, e.amhpInterviewedAt].filter((x): x is string => x !== null).sort()[0] ??
    null
  );
}

/** R35: police leave only after NHS staff accept the person. */
const handoverNotAccepted = () =>
  v('R35', 'HANDOVER_NOT_ACCEPTED', 'record NHS acceptance (who and when) before police leave the place of safety');

/** States in which the detention is still running (no outcome yet). */
export const RUNNING = [
  'considering',
  'consulted',
  'detained',
  'conveying',
  'atPlaceOfSafety',
  'handedOver',
  'assessing',
];

/**
 * Why a state that has no transition for `e` refuses it, when a rule explains it better than
 * "not allowed now" (detaining before consulting is R19, closing without an outcome is R36 …).
 */
export function detentionStateRefusal(state: string, ctx: DetentionContext, e: DetentionEvent): Violation | null {
  if (e.type === 'S136_DETAINED' && state === 'considering') return consultationMissing();
  if (e.type === 'S136_ARRIVED_AT_PLACE_OF_SAFETY' && state === 'detained')
    return v('R33', 'CONVEYANCE_REQUIRED', 'record how the person is being conveyed before their arrival');
  if (e.type === 'S136_POLICE_DEPARTED' && state === 'atPlaceOfSafety') return handoverNotAccepted();
  if (e.type === 'S136_CLOSED' && RUNNING.includes(state))
    return v('R36', 'OUTCOME_REQUIRED', 'a detention closes only with its outcome recorded (S136_OUTCOME_RECORDED)');
  if (ctx.closedAt && e.type !== 'DEADLINE_REACHED')
    return v(null, 'DETENTION_CLOSED', `detention ${ctx.detentionId} is closed`);
  return null;
}

/** Why the incident may not close while this detention is in `state` (R42: its ADR record must be closed first). */
export function detentionBlocksClosure(state: string, id: string): Violation | null {
  if (RUNNING.includes(state)) {
    return v(
      null,
      'DETENTION_OPEN',
      `detention ${id} is '${state}': record its outcome (or that s.136 was not used) before closing the incident`,
    );
  }
  if (state === 'ended')
    return v(
      'R42',
      'DETENTION_NOT_CLOSED',
      `detention ${id} has its outcome but is not closed: complete its ADR record and close it (S136_CLOSED) first`,
    );
  return null;
}

// ---------------------------------------------------------------------------------------------
// Flags an event raises (allowed, but alerted once).
// ---------------------------------------------------------------------------------------------

const label = (c: DetentionContext) => `${powerLabel(c.power)} detention ${c.detentionId}`;

/** R34: a s.136 conveyance in a police vehicle with no ambulance requested. */
export function ambulanceNotRequestedFlag(
  c: DetentionContext,
  e: EventMeta & { policeVehicleReason: string | null },
): Flag | null {
  if (e.policeVehicleReason !== 'ambulanceNotRequested' || c.power !== 's136') return null;
  return {
    key: 'R34',
    rule: 'R34',
    severity: 'warning',
    message: `s.136 detention ${c.detentionId}: conveyed in a police vehicle, no ambulance requested`,
    raisedAt: e.occurredAt,
    seq: e.seq,
    notify: c.policy.notify.conveyance,
  };
}

/** R26: a welfare check with no healthcare professional present and available at the police station. */
export function noProfessionalPresentFlag(
  c: DetentionContext,
  e: EventMeta & { professionalPresent: boolean },
): Flag | null {
  if (e.professionalPresent) return null;
  return {
    key: `R26:notPresent:${e.seq}`,
    rule: 'R26',
    severity: 'warning',
    message: `${label(c)}: no healthcare professional present and available at the police station (reg 4)`,
    raisedAt: e.occurredAt,
    seq: e.seq,
    notify: c.policy.notify.healthcareCheck,
  };
}

/** R31: police released the person before an assessment outcome. */
export function releasedByPoliceFlag(c: DetentionContext, e: EventMeta & { supervisor: { rank: string } }): Flag {
  return {
    key: 'R31',
    rule: 'R31',
    severity: 'warning',
    message: `${label(c)}: released by police before an assessment outcome (reviewed by ${e.supervisor.rank})`,
    raisedAt: e.occurredAt,
    seq: e.seq,
    notify: c.policy.notify.release,
  };
}

/** R24: the person is now recorded as a child, and was held at a police station. */
export function childAtPoliceStationFlag(c: DetentionContext, e: EventMeta): Flag | null {
  if (!usedPoliceStation(c) || isUnder18(c.person) !== true) return null;
  return {
    key: 'R24:childAtPoliceStation',
    rule: 'R24',
    severity: 'critical',
    message: `${label(c)}: the person is now recorded as under 18 but was held at a police station`,
    raisedAt: e.occurredAt,
    seq: e.seq,
    notify: c.policy.notify.childAtPoliceStation,
  };
}
