/**
 * A year of mental-health demand for a Kent-sized force, as plain records (one per incident):
 * seeded and reproducible, calibrated from published figures (CALIBRATION below names each source).
 * Pure: planning does no I/O. `apply.ts` drives each plan through the real command path; tests
 * compute expected report figures from these same records, independently of the report queries.
 *
 * s.136 detentions and s.135 warrants are planned last (`planDetentions`), from separate seeded
 * streams, so adding them leaves the rest of the year as it was: a share of police-attended MH
 * incidents gets a detention, with its whole legal timeline, and the detaining crew's activity
 * segments are redrawn to show the scene, the conveyance and the wait at the place of safety.
 */
import type { Activity } from '../../machines/resource.machine.js';
import type { RcrpDecision } from '../../machines/incident.machine.js';
import type {
  ConveyanceMethod,
  LocationType,
  Outcome,
  PlaceType,
  PoliceVehicleReason,
  Power,
} from '../../machines/s136.machine.js';
import type { Ethnicity, EthnicityBasis, Gender } from '../../machines/subject.js';
import type { ForceConfig } from '../config/schema.js';

/** The published figures the demo is calibrated to (source named for each). */
export const CALIBRATION = {
  /** Kent OPCC, 2023: 36,417 MH-related calls in 2022, of 504,645 calls. */
  mhRelatedPerYear: 36_417,
  allCallsPerYear: 504_645,
  /** Met Police RCRP 6-month update (May 2024): deployment rate to health calls 41% → 29% (after). */
  rcrpDeploymentRate: 0.29,
  /** Kent PCC Annual Report 2022/23: 835 s.136 detentions. */
  s136PerYear: 835,
  /**
   * First place of safety, Home Office 2021/22 (as reported): health-based place of safety 68%,
   * emergency department 29%, police station 264 of 36,594; the rest other places.
   */
  s136FirstPlace: { healthBasedPlaceOfSafety: 0.68, emergencyDepartment: 0.29, policeStation: 264 / 36_594 },
  /** Conveyance, Home Office 2023/24 (as reported): police vehicle 51%, ambulance 35%, the rest other. */
  s136Conveyance: { policeVehicle: 0.51, ambulance: 0.35 },
  /** Home Office 2021/22 (as reported): 52% male, 94% adults, 84% white. */
  s136Male: 0.52,
  s136Adult: 0.94,
  s136White: 0.84,
  /**
   * s.135 warrants executed: no Kent figure found. Assumption [U]: Kent's 835 s.136 scaled by the
   * national ratio in Home Office 2021/22 (s.135 2,901 : s.136 36,594), about 66 a year. The demo
   * plans s.135(1) warrants only (entry to premises with an AMHP and a doctor, removal to a place of
   * safety for assessment); s.135(2) retakes go back to hospital, not to a place of safety.
   */
  s135PerYear: Math.round((835 * 2_901) / 36_594),
  /** Kent 2018: 17 callers made 4% of calls; the demo gives a small group a similar weight. */
  frequentPeople: 17,
  frequentShare: 0.04,
} as const;

export interface PlannedResource {
  callSign: string;
  officers: number;
  type: string;
  dispatchedAt: string;
  arrivedAt: string | null;
  clearedAt: string;
  segments: Array<{ activity: Activity; startAt: string; endAt: string }>;
}

export interface PlannedReferral {
  agency: string;
  madeAt: string;
  /** The final answer; 'noResponse' may be followed by a late answer. */
  answers: Array<{ answer: 'accepted' | 'declined' | 'noResponse'; at: string }>;
}

/** Where the person was taken: a configured site, or a type with a description. */
export interface PlannedPlace {
  type: PlaceType;
  site: string | null;
  description: string | null;
}

/**
 * One s.136 detention on an incident, as the events will record it (all instants UTC ISO). Null
 * fields do not happen on this detention (no NHS handover at a police station, no AMHP interview
 * for a discharge without one, …).
 */
export interface PlannedDetention {
  id: string;
  power: Power;
  /** The person as the officer records them (also written on the incident's subject). */
  person: { ageYears: number; gender: Gender; ethnicity: Ethnicity; ethnicityBasis: EthnicityBasis };
  officer: string;
  /** s.136 only: considered, consulted (R19), where the power was used (R16). */
  consideredAt: string | null;
  consultation:
    | { at: string; practicable: true; profession: string; consultee: string }
    | { at: string; practicable: false; reason: string }
    | null;
  locationType: LocationType | null;
  /** s.135 only: the warrant the officer executed (null for s.136). */
  warrant: { reference: string; court: string; amhpName?: string; doctorName?: string; hospital?: string } | null;
  /** The decision to detain (s.136) or the warrant's execution (s.135). */
  detainedAt: string;
  conveyance: {
    /** The journey starts (the event's occurredAt). */
    at: string;
    method: ConveyanceMethod;
    ambulanceRequestedAt: string | null;
    ambulanceEta: string | null;
    policeVehicleReason: PoliceVehicleReason | null;
  };
  place: PlannedPlace;
  /** Arrival at the first place of safety: the clock starts (R21). */
  arrivedAt: string;
  /** At a police station (R25): the inspector's authorisation time and the welfare checks (R26). */
  policeStation: { authorisedAt: string; checks: string[] } | null;
  /** A mutually agreed extended police stay (R35), when the wait is long. */
  extendedStayAt: string | null;
  nhsAcceptedAt: string | null;
  policeDepartedAt: string | null;
  assessmentStartedAt: string;
  outcome: {
    code: Outcome;
    at: string;
    doctorExaminedAt: string | null;
    amhpInterviewedAt: string | null;
    amhpApplicationAt: string | null;
  };
  closedAt: string;
}

export interface IncidentPlan {
  n: number;
  reference: string;
  receivedAt: string;
  channel: '999' | '101' | 'online' | 'partnerAgency';
  category: string;
  rcrpScope: boolean;
  district: string;
  locationClass: 'urban' | 'rural';
  mhFlagAtCall: boolean;
  /** null while the incident is still open. */
  mhFlagAtClose: boolean | null;
  /** Still open when the year's data is taken: only the call, THRIVE and grade are recorded. */
  open: boolean;
  grade: string;
  decision: RcrpDecision | null;
  /** Not deployed and no referral: resolved by the call handler. */
  resolvedWithoutDeployment: boolean;
  call: { answeredAt: string; endedAt: string };
  /** Index of a person in the demo population, or null when the subject is not identified. */
  person: number | null;
  ageYears: number;
  resources: PlannedResource[];
  referrals: PlannedReferral[];
  closedAt: string | null;
  closureCode: string | null;
  /** A s.136 detention on this incident (by the first resource's officers), or null. */
  detention: PlannedDetention | null;
  /** A s.135 warrant executed on this incident (by the first resource's officers), or null. */
  warrant: PlannedDetention | null;
}

export interface PlanOptions {
  seed: number;
  /** First local day of the year (YYYY-MM-DD, midnight UTC is close enough for planning). */
  start: string;
  days: number;
  /** 1 = a full Kent-sized year; 0.1 = a tenth of the incidents (same shares). */
  scale: number;
}

export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Weighted<T> = ReadonlyArray<readonly [T, number]>;

const CATEGORY_WEIGHTS: Weighted<string> = [
  ['concernForWelfare', 30],
  ['suicideSelfHarmConcern', 20],
  ['mhCrisisInPublic', 18],
  ['missingPersonMhConcern', 8],
  ['walkOutFromHealthcare', 6],
  ['medicalTreatmentRequired', 5],
  ['awolPatient', 3],
  ['voluntaryPatient', 3],
  ['other', 3],
  ['transportRequest', 2],
  ['s136Handover', 2],
];
/** Relative population of Kent districts (roughly by population). */
const DISTRICT_WEIGHTS: Weighted<string> = [
  ['Medway', 28],
  ['Maidstone', 18],
  ['Canterbury', 16],
  ['Swale', 15],
  ['Thanet', 14],
  ['Ashford', 13],
  ['Tonbridge and Malling', 13],
  ['Dartford', 12],
  ['Gravesham', 11],
  ['Sevenoaks', 12],
  ['Tunbridge Wells', 12],
  ['Folkestone and Hythe', 11],
  ['Dover', 12],
];
const AGENCY_WEIGHTS: Weighted<string> = [
  ['kmptSpoa', 30],
  ['nhs111MhOption', 20],
  ['secamb', 12],
  ['kentAmhp', 6],
  ['kccAdultSocialCare', 7],
  ['medwayAdultSocialCare', 3],
  ['kentChildrensSocialCare', 4],
  ['acuteEd', 6],
  ['gpOrNhs111', 5],
  ['safeHaven', 4],
  ['familyOrCarer', 3],
];
/** Mean answer time (minutes) per agency: some partners answer faster than others. */
const AGENCY_ANSWER_MINUTES: Record<string, number> = {
  kmptSpoa: 45,
  nhs111MhOption: 25,
  secamb: 20,
  kentAmhp: 120,
  kccAdultSocialCare: 240,
  medwayAdultSocialCare: 260,
  kentChildrensSocialCare: 180,
  acuteEd: 30,
  gpOrNhs111: 300,
  safeHaven: 60,
  familyOrCarer: 15,
  cjlds: 90,
};
/** RCRP decisions for incidents in scope, calibrated to the deployment rate (deploy + joint). */
const DECISION_WEIGHTS: Weighted<RcrpDecision> = [
  ['deploy', 0.23],
  ['jointResponse', 0.06],
  ['handover', 0.46],
  ['adviceOnly', 0.25],
];
/** Seasonality of calls by month (Jan … Dec), mild summer peak. */
const MONTH_WEIGHTS = [0.95, 0.9, 0.97, 0.98, 1.04, 1.06, 1.1, 1.09, 1.0, 0.99, 0.95, 0.97];
/** Hour-of-day weights: busiest late afternoon and evening. */
const HOUR_WEIGHTS = [
  3, 2.5, 2, 1.6, 1.3, 1.2, 1.5, 2.2, 3, 3.6, 4, 4.3, 4.5, 4.6, 4.8, 5.2, 5.6, 6, 6.2, 6.2, 5.8, 5.2, 4.5, 3.7,
];

function pickWeighted<T>(rand: () => number, xs: Weighted<T>): T {
  const total = xs.reduce((a, [, w]) => a + w, 0);
  let r = rand() * total;
  for (const [x, w] of xs) {
    r -= w;
    if (r < 0) return x;
  }
  return xs[xs.length - 1]![0];
}

const minutes = (m: number) => m * 60_000;
const iso = (t: number) => new Date(Math.round(t / 1000) * 1000).toISOString();
/** A log-normal-ish positive duration with the given median (minutes). */
const duration = (rand: () => number, median: number, spread = 0.6) =>
  Math.max(1, median * Math.exp(spread * (rand() + rand() + rand() - 1.5) * 1.6));

/**
 * People: a few very frequent ones (the "17 callers"), a few hundred regulars, the rest occasional.
 * Returns a sampler giving a person index (or null: subject not identified).
 */
function population(rand: () => number, incidents: number) {
  const frequent = CALIBRATION.frequentPeople;
  const frequentIncidents = incidents * CALIBRATION.frequentShare;
  const regulars = Math.max(5, Math.round(incidents / 120));
  const occasional = Math.max(20, Math.round(incidents * 0.45));
  return () => {
    const r = rand();
    if (r < CALIBRATION.frequentShare) return Math.floor(rand() * frequent);
    if (r < 0.6) {
      // 1/12 of identified contacts from regulars (several a year each); the rest occasional.
      if (rand() < 0.12) return frequent + Math.floor(rand() * regulars);
      return frequent + regulars + Math.floor(rand() * occasional);
    }
    void frequentIncidents;
    return null;
  };
}

export function planYear(config: ForceConfig, o: PlanOptions): IncidentPlan[] {
  const rand = prng(o.seed);
  const rcrpCategories = new Set(config.categories.filter((c) => c.rcrp).map((c) => c.code));
  const mhTarget = Math.round(CALIBRATION.mhRelatedPerYear * o.scale * (o.days / 365));
  // About 8% of incidents recorded here turn out not to be MH-related at close.
  const total = Math.round(mhTarget / 0.92);
  const nonMh = total - mhTarget;
  const isMh = Array.from({ length: total }, (_, i) => i >= nonMh);
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [isMh[i], isMh[j]] = [isMh[j]!, isMh[i]!];
  }
  const startMs = Date.parse(`${o.start}T00:00:00Z`);
  // Spread incidents over days by month weight, then hours by hour weight.
  const dayWeights = Array.from(
    { length: o.days },
    (_, d) => MONTH_WEIGHTS[new Date(startMs + d * 86_400_000).getUTCMonth()]!,
  );
  const dayTotal = dayWeights.reduce((a, b) => a + b, 0);
  const person = population(rand, total);
  const plans: IncidentPlan[] = [];
  const hourTotal = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  const cum: number[] = [];
  dayWeights.reduce((a, w, i) => (cum[i] = a + w), 0);
  for (let n = 0; n < total; n++) {
    // Day by inverse CDF (deterministic spacing with jitter keeps months in proportion).
    const target = ((n + rand()) / total) * dayTotal;
    let d = 0;
    while (d < o.days - 1 && cum[d]! < target) d++;
    let h = 0;
    let r = rand() * hourTotal;
    while (h < 23) {
      r -= HOUR_WEIGHTS[h]!;
      if (r < 0) break;
      h++;
    }
    const received = startMs + d * 86_400_000 + h * 3_600_000 + Math.floor(rand() * 3_600_000);
    const mh = isMh[n]!;
    const category = mh
      ? pickWeighted(rand, CATEGORY_WEIGHTS)
      : pickWeighted(rand, [
          ['concernForWelfare', 50],
          ['other', 30],
          ['medicalTreatmentRequired', 20],
        ] as const);
    const rcrpScope = rcrpCategories.has(category);
    const decision: RcrpDecision | null = rcrpScope ? pickWeighted(rand, DECISION_WEIGHTS) : null;
    const urgent = category === 'suicideSelfHarmConcern' || category === 'mhCrisisInPublic';
    const grade =
      decision === 'handover' || decision === 'adviceOnly'
        ? rand() < 0.7
          ? 'G5'
          : 'G3'
        : urgent
          ? rand() < 0.6
            ? 'G1'
            : 'G2'
          : pickWeighted(rand, [
              ['G1', 0.15],
              ['G2', 0.5],
              ['G3', 0.3],
              ['G4', 0.05],
            ] as const);
    const deploy = decision === 'deploy' || decision === 'jointResponse' || (decision === null && rand() < 0.85);
    const answered = received + 5_000 + Math.floor(rand() * 40_000);
    const ended = answered + minutes(3 + rand() * 9);
    let t = ended + minutes(1);
    const resources: PlannedResource[] = [];
    if (deploy) {
      const count = rand() < 0.65 ? 1 : rand() < 0.86 ? 2 : 3;
      const dispatch = received + minutes(grade === 'G1' ? 1 + rand() * 5 : 3 + rand() * 40);
      for (let k = 0; k < count; k++) {
        const dispatchedAt = dispatch + minutes(k * (2 + rand() * 10));
        const stoodDown = k > 0 && rand() < 0.1;
        const segs: PlannedResource['segments'] = [];
        let at = dispatchedAt;
        const seg = (activity: Activity, mins: number) => {
          const end = at + minutes(mins);
          segs.push({ activity, startAt: iso(at), endAt: iso(end) });
          at = end;
        };
        let arrivedAt: number | null = null;
        seg('travel', duration(rand, grade === 'G1' ? 9 : 15));
        if (!stoodDown) {
          arrivedAt = at;
          seg('scene', duration(rand, 55));
          if (k === 0 && rand() < 0.22) {
            seg('conveyance', duration(rand, 25));
            const where = rand();
            if (where < 0.5) seg('waitingED', duration(rand, 180, 0.8));
            else if (where < 0.85) seg('waitingHBPoS', duration(rand, 150, 0.8));
            else if (where < 0.92) seg('custody', duration(rand, 120));
            else seg('other', duration(rand, 40));
          }
        }
        resources.push({
          callSign: `K${['A', 'B', 'C', 'D', 'E'][Math.floor(rand() * 5)]}${100 + Math.floor(rand() * 400)}`,
          officers: rand() < 0.8 ? 2 : 1,
          type: rand() < 0.08 ? 'mentalHealthTriage' : rand() < 0.85 ? 'response' : 'neighbourhood',
          dispatchedAt: iso(dispatchedAt),
          arrivedAt: arrivedAt === null ? null : iso(arrivedAt),
          clearedAt: iso(at),
          segments: segs,
        });
        t = Math.max(t, at);
      }
      // Call signs are unique within an incident (R39: one resource, one assignment at a time).
      for (const [k, r] of resources.entries()) r.callSign = `${r.callSign}${k ? `-${k}` : ''}`;
    }
    const referrals: PlannedReferral[] = [];
    const refer = decision === 'handover' || decision === 'jointResponse' || (deploy && rand() < 0.2);
    if (refer) {
      const agency = pickWeighted(rand, AGENCY_WEIGHTS);
      // Handed over at once; after deployment, made once officers have assessed the person.
      const madeAt =
        decision === 'handover'
          ? ended + minutes(1 + rand() * 4)
          : resources[0]
            ? Date.parse(resources[0].segments[0]!.endAt) + minutes(10 + rand() * 20)
            : ended + minutes(2);
      const r = rand();
      const wait = duration(rand, AGENCY_ANSWER_MINUTES[agency] ?? 60, 0.7);
      const answers: PlannedReferral['answers'] =
        r < 0.72
          ? [{ answer: 'accepted', at: iso(madeAt + minutes(wait)) }]
          : r < 0.87
            ? [{ answer: 'declined', at: iso(madeAt + minutes(wait)) }]
            : r < 0.94
              ? [
                  { answer: 'noResponse', at: iso(madeAt + minutes(240)) },
                  { answer: 'accepted', at: iso(madeAt + minutes(240 + wait)) },
                ]
              : [{ answer: 'noResponse', at: iso(madeAt + minutes(240)) }];
      referrals.push({ agency, madeAt: iso(madeAt), answers });
      t = Math.max(t, ...answers.map((a) => Date.parse(a.at)));
    }
    const closedAt = t + minutes(5 + rand() * 30);
    const accepted = referrals.some((r) => r.answers[r.answers.length - 1]!.answer === 'accepted');
    // Calls in the last day and a half of the period are often still open when the data is taken.
    const open = received > startMs + (o.days - 1.5) * 86_400_000 && rand() < 0.6;
    const mhFlagAtCall = mh ? rand() < 0.85 : rand() < 0.4;
    if (open) {
      plans.push({
        n,
        reference: `DEMO-${o.seed}-${String(n).padStart(6, '0')}`,
        receivedAt: iso(received),
        channel: '999',
        category,
        rcrpScope,
        district: pickWeighted(rand, DISTRICT_WEIGHTS),
        locationClass: 'urban',
        mhFlagAtCall,
        mhFlagAtClose: null,
        open: true,
        grade,
        decision: null,
        resolvedWithoutDeployment: false,
        call: { answeredAt: iso(answered), endedAt: iso(ended) },
        person: person(),
        ageYears: 18 + Math.floor(rand() * 70),
        resources: [],
        referrals: [],
        closedAt: null,
        closureCode: null,
        detention: null,
        warrant: null,
      });
      continue;
    }
    plans.push({
      n,
      reference: `DEMO-${o.seed}-${String(n).padStart(6, '0')}`,
      receivedAt: iso(received),
      channel: pickWeighted(rand, [
        ['999', 46],
        ['101', 40],
        ['online', 6],
        ['partnerAgency', 8],
      ] as const),
      category,
      rcrpScope,
      district: pickWeighted(rand, DISTRICT_WEIGHTS),
      locationClass: rand() < 0.72 ? 'urban' : 'rural',
      mhFlagAtCall,
      mhFlagAtClose: mh,
      open: false,
      grade,
      decision,
      resolvedWithoutDeployment: !deploy && !refer && decision !== 'adviceOnly',
      call: { answeredAt: iso(answered), endedAt: iso(ended) },
      person: person(),
      ageYears: rand() < 0.06 ? 14 + Math.floor(rand() * 4) : 18 + Math.floor(rand() * 70),
      resources,
      referrals,
      closedAt: iso(closedAt),
      closureCode: accepted ? 'handedToPartner' : decision === 'adviceOnly' ? 'adviceGiven' : 'resolved',
      detention: null,
      warrant: null,
    });
  }
  plans.sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.n - b.n));
  planDetentions(config, o, plans);
  return plans;
}

/** Monthly all-incident totals for the year (the denominator of "share of all incidents"), with the same seasonality.
 * */
export function planVolumes(o: PlanOptions): Array<{ month: string; allIncidents: number }> {
  const startMs = Date.parse(`${o.start}T00:00:00Z`);
  const byMonth = new Map<string, number>();
  for (let d = 0; d < o.days; d++) {
    const date = new Date(startMs + d * 86_400_000);
    const m = date.toISOString().slice(0, 7);
    byMonth.set(m, (byMonth.get(m) ?? 0) + MONTH_WEIGHTS[date.getUTCMonth()]!);
  }
  const weight = [...byMonth.values()].reduce((a, b) => a + b, 0);
  const total = CALIBRATION.allCallsPerYear * o.scale * (o.days / 365);
  return [...byMonth.entries()].map(([month, w]) => ({ month, allIncidents: Math.round((total * w) / weight) }));
}

// ---------------------------------------------------------------------------------------------
// s.136 detentions.
// ---------------------------------------------------------------------------------------------

/** MH incidents where officers on scene may detain under s.136, and how likely, relatively. */
const DETENTION_CATEGORY_WEIGHTS: Record<string, number> = {
  mhCrisisInPublic: 3,
  suicideSelfHarmConcern: 2,
  concernForWelfare: 1,
};
/** Where the power was used (never a dwelling, R16). */
const LOCATIONS: Record<string, Weighted<LocationType>> = {
  mhCrisisInPublic: [
    ['street', 35],
    ['publicOpenSpace', 20],
    ['roadOrBridge', 15],
    ['railwayProperty', 8],
    ['shopOrLicensedPremises', 12],
    ['other', 10],
  ],
  suicideSelfHarmConcern: [
    ['roadOrBridge', 35],
    ['railwayProperty', 20],
    ['publicOpenSpace', 20],
    ['street', 15],
    ['vehicle', 5],
    ['other', 5],
  ],
  concernForWelfare: [
    ['street', 35],
    ['communalAreaOfFlats', 25],
    ['publicOpenSpace', 20],
    ['vehicle', 10],
    ['other', 10],
  ],
};
/** Age ranges (inclusive) of people detained: about 6% under 18 (Home Office: 94% adults), mostly 18–44. */
const AGE_WEIGHTS: Weighted<readonly [number, number]> = [
  [[12, 17], 6],
  [[18, 24], 20],
  [[25, 34], 28],
  [[35, 44], 20],
  [[45, 54], 14],
  [[55, 64], 7],
  [[65, 84], 5],
];
const GENDER_WEIGHTS: Weighted<Gender> = [
  ['male', 52],
  ['female', 47.5],
  ['notKnown', 0.5],
];
const ETHNICITY_WEIGHTS: Weighted<Ethnicity> = [
  ['white', 84],
  ['black', 4],
  ['asian', 4],
  ['mixed', 3],
  ['other', 2],
  ['notStated', 3],
];
/** Outcomes of the assessment (an assumption, roughly the published NHS picture: most discharged, about a quarter
 * detained). */
const OUTCOME_WEIGHTS: Weighted<Outcome> = [
  ['dischargedWithReferral', 38],
  ['dischargedNFA', 17],
  ['informalAdmission', 15],
  ['detainedS2', 22],
  ['detainedS3', 4],
  ['transferredAcuteCare', 4],
];
/** Why a police vehicle was used (R33); 'ambulanceNotRequested' raises the R34 alert. */
const VEHICLE_REASON_WEIGHTS: Weighted<PoliceVehicleReason> = [
  ['ambulanceNotWithin30Min', 45],
  ['ambulanceNotRequested', 20],
  ['ambulanceDiverted', 12],
  ['crewRefused', 8],
  ['other', 15],
];
const CONSULTEES: Weighted<readonly [string, string]> = [
  [['registeredNurse', 'clinical advice line nurse'], 70],
  [['registeredParamedic', 'paramedic on scene'], 15],
  [['amhp', 'duty AMHP'], 10],
  [['registeredMedicalPractitioner', 'duty psychiatrist'], 5],
];
/** The nearest configured place of each kind by district (any configured site of the type when the code is not
 * configured). */
const NEAREST: Record<string, { hbpos: string; ed: string; custody: string }> = {
  Medway: { hbpos: 'kmptDartford', ed: 'edMedway', custody: 'custodyMedway' },
  Maidstone: { hbpos: 'kmptMaidstone', ed: 'edMaidstone', custody: 'custodyMaidstone' },
  Canterbury: { hbpos: 'kmptCanterbury', ed: 'edQeqm', custody: 'custodyCanterbury' },
  Swale: { hbpos: 'kmptMaidstone', ed: 'edMedway', custody: 'custodyMedway' },
  Thanet: { hbpos: 'kmptCanterbury', ed: 'edQeqm', custody: 'custodyCanterbury' },
  Ashford: { hbpos: 'kmptCanterbury', ed: 'edWilliamHarvey', custody: 'custodyFolkestone' },
  'Tonbridge and Malling': { hbpos: 'kmptMaidstone', ed: 'edMaidstone', custody: 'custodyMaidstone' },
  Dartford: { hbpos: 'kmptDartford', ed: 'edDarentValley', custody: 'custodyMedway' },
  Gravesham: { hbpos: 'kmptDartford', ed: 'edDarentValley', custody: 'custodyMedway' },
  Sevenoaks: { hbpos: 'kmptDartford', ed: 'edTunbridgeWells', custody: 'custodyMaidstone' },
  'Tunbridge Wells': { hbpos: 'kmptMaidstone', ed: 'edTunbridgeWells', custody: 'custodyMaidstone' },
  'Folkestone and Hythe': { hbpos: 'kmptCanterbury', ed: 'edWilliamHarvey', custody: 'custodyFolkestone' },
  Dover: { hbpos: 'kmptCanterbury', ed: 'edWilliamHarvey', custody: 'custodyFolkestone' },
};
const DESCRIPTION: Partial<Record<PlaceType, string>> = {
  healthBasedPlaceOfSafety: 'health-based place of safety',
  emergencyDepartment: 'emergency department',
  policeStation: 'police station custody suite',
  otherHospital: 'acute hospital ward',
};

type FirstPlace = 'healthBasedPlaceOfSafety' | 'emergencyDepartment' | 'policeStation' | 'otherHospital';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Detention times are whole minutes, so the order of steps survives rounding. */
const toMinute = (t: number) => Math.round(t / 60_000) * 60_000;

/** Exactly `n` labels in the given shares (largest remainder), in a seeded random order. */
function quota<T>(rand: () => number, n: number, shares: ReadonlyArray<readonly [T, number]>): T[] {
  const total = shares.reduce((a, [, w]) => a + w, 0);
  const exact = shares.map(([, w]) => (n * w) / total);
  const counts = exact.map(Math.floor);
  const byRemainder = exact.map((q, i) => ({ i, r: q - Math.floor(q) })).sort((a, b) => b.r - a.r || a.i - b.i);
  const left = n - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < left; k++) counts[byRemainder[k]!.i]!++;
  const out = shares.flatMap(([x], i) => Array.from({ length: counts[i]! }, () => x));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function placeFor(config: ForceConfig, kind: FirstPlace, district: string): PlannedPlace {
  const sites = config.s136.placesOfSafety;
  const near = NEAREST[district];
  const wanted =
    kind === 'healthBasedPlaceOfSafety'
      ? near?.hbpos
      : kind === 'emergencyDepartment'
        ? near?.ed
        : kind === 'policeStation'
          ? near?.custody
          : undefined;
  const site =
    sites.find((s) => s.code === wanted && s.type === kind) ??
    (kind === 'otherHospital' ? undefined : sites.find((s) => s.type === kind));
  return site
    ? { type: kind, site: site.code, description: null }
    : { type: kind, site: null, description: `${DESCRIPTION[kind] ?? kind}, ${district}` };
}

/** Where s.135(1) warrants are executed (assumption [U]): mostly brought to a health-based place of safety. */
const S135_FIRST_PLACE = { healthBasedPlaceOfSafety: 0.85, emergencyDepartment: 0.15 };
/** How people removed under a warrant travel (assumption [U]: the visit is planned, so an ambulance is usually booked).
 * */
const S135_CONVEYANCE = { ambulance: 0.6, policeVehicle: 0.3, otherHealthVehicle: 0.1 };
const COURTS = [
  "Maidstone Magistrates' Court",
  "Canterbury Magistrates' Court",
  "Medway Magistrates' Court",
  "Folkestone Magistrates' Court",
];

/** An incident chosen for a detention, and what happens before the person is removed. */
interface Chosen {
  p: IncidentPlan;
  power: Power;
  /** The decision to detain (s.136) or the warrant's execution (s.135). */
  detained: number;
  considered: number | null;
  consultation: PlannedDetention['consultation'];
}

/**
 * Gives a seeded share of police-attended MH incidents a s.136 detention: exactly
 * CALIBRATION.s136PerYear a year (scaled), chosen by weighted sampling among closed MH-related
 * incidents of the categories above whose first resource arrived. The first place of safety and
 * the conveyance method are dealt from exact quotas of the published shares (so a small year has
 * the same shares as a full one); everything else is drawn. Police stations only for adults, with
 * the Regulations conditions (R25). Then, from a stream of its own, CALIBRATION.s135PerYear
 * s.135(1) warrants on other welfare incidents, with the same timeline from removal on. Mutates the
 * plans: `detention` / `warrant`, the subject's age, the first resource's segments and clearing
 * time, and the incident's closing time.
 */
export function planDetentions(config: ForceConfig, o: PlanOptions, plans: IncidentPlan[]): void {
  const startMs = Date.parse(`${o.start}T00:00:00Z`);
  // The decision must fall on a local (Europe/London) day of the period: an hour's margin for BST.
  const endMs = startMs + o.days * DAY_MS - HOUR_MS;
  // R30: one person is never detained twice at once; keep a person's detentions days apart (either power).
  const byPerson = new Map<number, number[]>();
  const apart = (p: IncidentPlan, detained: number) => {
    if (p.person === null) return true;
    const times = byPerson.get(p.person) ?? [];
    if (times.some((t) => Math.abs(t - detained) < 3 * DAY_MS)) return false;
    byPerson.set(p.person, [...times, detained]);
    return true;
  };
  const weighted = (rand: () => number, weights: Record<string, number>, eligible: (p: IncidentPlan) => boolean) =>
    plans
      .filter(
        (p) =>
          !p.open &&
          p.mhFlagAtClose === true &&
          weights[p.category] !== undefined &&
          p.resources[0]?.arrivedAt &&
          eligible(p),
      )
      .map((p) => ({ p, key: -Math.log(1 - rand()) / weights[p.category]! }))
      .sort((a, b) => a.key - b.key || a.p.n - b.p.n);

  // s.136: a stream of its own, so the rest of the year is the same with or without detentions.
  const rand = prng((o.seed ^ 0x5136_0000) >>> 0);
  const target = Math.round(CALIBRATION.s136PerYear * o.scale * (o.days / 365));
  const chosen: Chosen[] = [];
  for (const { p } of target > 0 ? weighted(rand, DETENTION_CATEGORY_WEIGHTS, () => true) : []) {
    if (chosen.length === target) break;
    const arrived = Date.parse(p.resources[0]!.arrivedAt!);
    const considered = toMinute(arrived + minutes(5 + rand() * 20));
    const consultedAt = toMinute(considered + minutes(2 + rand() * 8));
    const practicable = rand() < 0.92;
    const [profession, consultee] = pickWeighted(rand, CONSULTEES);
    const detained = toMinute(consultedAt + minutes(2 + rand() * 8));
    if (detained >= endMs || !apart(p, detained)) continue;
    chosen.push({
      p,
      power: 's136',
      detained,
      considered,
      consultation: practicable
        ? { at: iso(consultedAt), practicable: true, profession, consultee }
        : {
            at: iso(consultedAt),
            practicable: false,
            reason: 'the person was moving towards traffic; no time to consult before acting',
          },
    });
  }
  const stationShare = config.s136.policeStationAsPlaceOfSafety ? CALIBRATION.s136FirstPlace.policeStation : 0;
  const { healthBasedPlaceOfSafety: hbpos, emergencyDepartment: ed } = CALIBRATION.s136FirstPlace;
  const conv = CALIBRATION.s136Conveyance;
  planTimelines(config, o, rand, chosen, {
    places: [
      ['healthBasedPlaceOfSafety', hbpos],
      ['emergencyDepartment', ed],
      ['policeStation', stationShare],
      ['otherHospital', 1 - hbpos - ed - stationShare],
    ],
    methods: [
      ['policeVehicle', conv.policeVehicle],
      ['ambulance', conv.ambulance],
      ['otherHealthVehicle', (1 - conv.policeVehicle - conv.ambulance) * 0.55],
      ['other', (1 - conv.policeVehicle - conv.ambulance) * 0.45],
    ],
  });

  // s.135(1): planned entry with an AMHP and a doctor, on welfare incidents police attended.
  const rand135 = prng((o.seed ^ 0x5135_0000) >>> 0);
  const target135 = Math.round(CALIBRATION.s135PerYear * o.scale * (o.days / 365));
  const warrants: Chosen[] = [];
  for (const { p } of target135 > 0 ? weighted(rand135, { concernForWelfare: 1 }, (x) => x.detention === null) : []) {
    if (warrants.length === target135) break;
    const executed = toMinute(Date.parse(p.resources[0]!.arrivedAt!) + minutes(5 + rand135() * 15));
    if (executed >= endMs || !apart(p, executed)) continue;
    warrants.push({ p, power: 's135_1', detained: executed, considered: null, consultation: null });
  }
  planTimelines(config, o, rand135, warrants, {
    places: Object.entries(S135_FIRST_PLACE) as Array<[FirstPlace, number]>,
    methods: Object.entries(S135_CONVEYANCE) as Array<[ConveyanceMethod, number]>,
  });
}

/**
 * Everything from the removal on, for detentions of one power: the person, the first place of
 * safety and the conveyance (exact quotas of `shares`), the journey, the assessment and outcome,
 * the handover, and the detaining crew's time (R39).
 */
function planTimelines(
  config: ForceConfig,
  o: PlanOptions,
  rand: () => number,
  chosen: Chosen[],
  shares: {
    places: ReadonlyArray<readonly [FirstPlace, number]>;
    methods: ReadonlyArray<readonly [ConveyanceMethod, number]>;
  },
): void {
  chosen.sort((a, b) => (a.p.receivedAt < b.p.receivedAt ? -1 : a.p.receivedAt > b.p.receivedAt ? 1 : a.p.n - b.p.n));

  // The person: the same person keeps their gender, ethnicity and age across the year.
  const people = chosen.map(({ p }) => {
    const r = p.person !== null ? prng((Math.imul(o.seed, 31) + Math.imul(p.person, 7919) + 1) >>> 0) : rand;
    const [lo, hi] = pickWeighted(r, AGE_WEIGHTS);
    return {
      ageYears: lo + Math.floor(r() * (hi - lo + 1)),
      gender: pickWeighted(r, GENDER_WEIGHTS),
      ethnicity: pickWeighted(r, ETHNICITY_WEIGHTS),
      ethnicityBasis: (rand() < 0.65 ? 'selfDefined' : 'officerPerceived') as EthnicityBasis,
    };
  });

  // First place of safety and conveyance from exact quotas of the shares.
  const places = quota<FirstPlace>(rand, chosen.length, shares.places);
  const methods = quota<ConveyanceMethod>(rand, chosen.length, shares.methods);
  // A police station is never for a child (R24), and people go there in a police vehicle: swap labels.
  const swap = <T>(xs: T[], i: number, ok: (j: number) => boolean) => {
    const j = xs.findIndex((_, k) => k !== i && ok(k));
    if (j >= 0) [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  };
  places.forEach((kind, i) => {
    if (kind === 'policeStation' && people[i]!.ageYears < 18)
      swap(places, i, (j) => places[j] === 'healthBasedPlaceOfSafety' && people[j]!.ageYears >= 18);
  });
  places.forEach((kind, i) => {
    if (kind === 'policeStation' && methods[i] !== 'policeVehicle')
      swap(methods, i, (j) => methods[j] === 'policeVehicle' && places[j] !== 'policeStation');
  });

  chosen.forEach((c, i) => {
    const { p } = c;
    const kind = places[i]!;
    const method = methods[i]!;
    const person = people[i]!;
    const detained = c.detained;

    // Waiting for transport on scene, then the journey.
    let reason: PoliceVehicleReason | null = null;
    let requested: number | null = null;
    let eta: number | null = null;
    let journeyStart: number;
    if (method === 'policeVehicle') {
      reason =
        kind === 'policeStation'
          ? rand() < 0.6
            ? 'ambulanceNotWithin30Min'
            : 'crewRefused'
          : pickWeighted(rand, VEHICLE_REASON_WEIGHTS);
      if (reason !== 'ambulanceNotRequested') {
        requested = toMinute(detained + minutes(1 + rand() * 3));
        eta = toMinute(
          requested + minutes(reason === 'ambulanceNotWithin30Min' ? 60 + rand() * 180 : 15 + rand() * 30),
        );
      }
      const wait =
        reason === 'ambulanceNotWithin30Min'
          ? 30 + rand() * 15
          : reason === 'ambulanceDiverted'
            ? 15 + rand() * 30
            : reason === 'crewRefused'
              ? duration(rand, 35, 0.5)
              : reason === 'other'
                ? 5 + rand() * 20
                : 3 + rand() * 10;
      journeyStart = toMinute((requested ?? detained) + minutes(wait));
    } else {
      journeyStart = toMinute(detained + minutes(duration(rand, method === 'ambulance' ? 40 : 35, 0.6)));
    }
    const arrived = toMinute(journeyStart + minutes(duration(rand, 22, 0.5)));

    // Assessment and outcome (all well inside the 24 hours, R37).
    const startMedian = kind === 'emergencyDepartment' ? 210 : kind === 'policeStation' ? 150 : 120;
    const assessmentStart = toMinute(arrived + minutes(Math.min(duration(rand, startMedian, 0.6), 14 * 60)));
    const code = pickWeighted(rand, OUTCOME_WEIGHTS);
    const doctor = toMinute(assessmentStart + minutes(rand() * 20));
    const detainedUnderAct = code === 'detainedS2' || code === 'detainedS3';
    const amhp =
      detainedUnderAct || (code !== 'transferredAcuteCare' && rand() < 0.4)
        ? toMinute(doctor + minutes(10 + rand() * 50))
        : null;
    const application = detainedUnderAct ? toMinute(amhp! + minutes(10 + rand() * 20)) : null;
    const outcomeAt = toMinute(
      Math.max(
        assessmentStart + minutes(Math.min(duration(rand, 100, 0.5), 5 * 60)),
        (application ?? amhp ?? doctor) + minutes(5),
      ),
    );

    // Handover (R35): arrival → police leave; acceptance shortly before they leave.
    let accepted: number | null = null;
    let departed: number | null = null;
    let extendedStay: number | null = null;
    let stationRecord: PlannedDetention['policeStation'] = null;
    let clearAt: number;
    let waiting: Activity;
    if (kind === 'policeStation') {
      // Custody staff take over; the crew books the person in and leaves. Welfare checks until the outcome (R26).
      const checks: string[] = [];
      for (
        let t = toMinute(arrived + minutes(20 + rand() * 10));
        t < outcomeAt;
        t = toMinute(t + minutes(20 + rand() * 10))
      )
        checks.push(iso(t));
      stationRecord = { authorisedAt: iso(toMinute(detained + (journeyStart - detained) / 2)), checks };
      clearAt = toMinute(arrived + minutes(duration(rand, 75, 0.5)));
      waiting = 'custody';
    } else {
      const handover =
        kind === 'emergencyDepartment'
          ? duration(rand, 150, 0.8)
          : kind === 'healthBasedPlaceOfSafety'
            ? duration(rand, 70, 0.6)
            : duration(rand, 60, 0.5);
      departed = toMinute(Math.min(arrived + minutes(handover), outcomeAt));
      accepted = toMinute(departed - Math.min(minutes(2 + rand() * 18), (departed - arrived) / 2));
      if (accepted <= arrived) accepted = departed;
      if (kind !== 'emergencyDepartment' && departed - arrived > minutes(90) && rand() < 0.35)
        extendedStay = toMinute(arrived + minutes(40 + rand() * 15));
      clearAt = departed;
      waiting =
        kind === 'emergencyDepartment' ? 'waitingED' : kind === 'healthBasedPlaceOfSafety' ? 'waitingHBPoS' : 'other';
    }
    const closedAt = toMinute(outcomeAt + minutes(5 + rand() * 35));

    const s136 = c.power === 's136';
    const planned: PlannedDetention = {
      id: `DEMO-${s136 ? 'S136' : 'S135'}-${o.seed}-${String(p.n).padStart(6, '0')}`,
      power: c.power,
      person,
      officer: `PC ${1000 + Math.floor(rand() * 9000)}`,
      consideredAt: c.considered === null ? null : iso(c.considered),
      consultation: c.consultation,
      locationType: s136 ? pickWeighted(rand, LOCATIONS[p.category]!) : null,
      warrant: s136
        ? null
        : {
            reference: `KW/${o.start.slice(0, 4)}/${String(p.n).padStart(6, '0')}`,
            court: COURTS[p.n % COURTS.length]!,
            amhpName: 'duty AMHP (Kent County Council)',
            doctorName: 'Dr (s.12 approved), KMPT',
          },
      detainedAt: iso(detained),
      conveyance: {
        at: iso(journeyStart),
        method,
        ambulanceRequestedAt: requested === null ? null : iso(requested),
        ambulanceEta: eta === null ? null : iso(eta),
        policeVehicleReason: reason,
      },
      place: placeFor(config, kind, p.district),
      arrivedAt: iso(arrived),
      policeStation: stationRecord,
      extendedStayAt: extendedStay === null ? null : iso(extendedStay),
      nhsAcceptedAt: accepted === null ? null : iso(accepted),
      policeDepartedAt: departed === null ? null : iso(departed),
      assessmentStartedAt: iso(assessmentStart),
      outcome: {
        code,
        at: iso(outcomeAt),
        doctorExaminedAt: iso(doctor),
        amhpInterviewedAt: amhp === null ? null : iso(amhp),
        amhpApplicationAt: application === null ? null : iso(application),
      },
      closedAt: iso(closedAt),
    };
    if (s136) p.detention = planned;
    else p.warrant = planned;
    p.ageYears = person.ageYears;

    // The detaining crew's time (R39): travel as planned, then scene, conveyance, and the wait at the place of safety.
    const r0 = p.resources[0]!;
    const travel = r0.segments[0]!;
    r0.segments = [
      travel,
      { activity: 'scene', startAt: travel.endAt, endAt: iso(journeyStart) },
      { activity: 'conveyance', startAt: iso(journeyStart), endAt: iso(arrived) },
      { activity: waiting, startAt: iso(arrived), endAt: iso(clearAt) },
    ];
    r0.clearedAt = iso(clearAt);
    // The incident closes after the detention and every crew.
    const lastClear = Math.max(...p.resources.map((r) => Date.parse(r.clearedAt)));
    p.closedAt = iso(Math.max(Date.parse(p.closedAt!), Math.max(closedAt, lastClear) + minutes(5 + rand() * 25)));
  });
}
