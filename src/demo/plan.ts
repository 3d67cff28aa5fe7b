/**
 * A year of mental-health demand for a Kent-sized force, as plain records (one per incident):
 * seeded and reproducible, calibrated from shared/data/published-figures.json (CALIBRATION below).
 * Pure: planning does no I/O. `apply.ts` drives each plan through the real command path; tests
 * compute expected report figures from these same records, independently of the report queries.
 *
 * s.136 detentions are not planned yet: they arrive with issue 3 (MHA s.136 detentions).
 */
import type { Activity } from '../../machines/resource.machine.js';
import type { RcrpDecision } from '../../machines/incident.machine.js';
import type { ForceConfig } from '../config/schema.js';

/** The published figures the demo is calibrated to (source named for each). */
export const CALIBRATION = {
  /** Kent OPCC, 2023: 36,417 MH-related calls in 2022, of 504,645 calls. */
  mhRelatedPerYear: 36_417,
  allCallsPerYear: 504_645,
  /** Met Police RCRP 6-month update (May 2024): deployment rate to health calls 41% → 29% (after). */
  rcrpDeploymentRate: 0.29,
  /** Kent PCC Annual Report 2022/23: 835 s.136 detentions (planned after issue 3). */
  s136PerYear: 835,
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
  ['Medway', 28], ['Maidstone', 18], ['Canterbury', 16], ['Swale', 15], ['Thanet', 14], ['Ashford', 13], ['Tonbridge and Malling', 13],
  ['Dartford', 12], ['Gravesham', 11], ['Sevenoaks', 12], ['Tunbridge Wells', 12], ['Folkestone and Hythe', 11], ['Dover', 12],
];
const AGENCY_WEIGHTS: Weighted<string> = [
  ['kmptSpoa', 30], ['nhs111MhOption', 20], ['secamb', 12], ['kentAmhp', 6], ['kccAdultSocialCare', 7], ['medwayAdultSocialCare', 3],
  ['kentChildrensSocialCare', 4], ['acuteEd', 6], ['gpOrNhs111', 5], ['safeHaven', 4], ['familyOrCarer', 3],
];
/** Mean answer time (minutes) per agency: some partners answer faster than others. */
const AGENCY_ANSWER_MINUTES: Record<string, number> = {
  kmptSpoa: 45, nhs111MhOption: 25, secamb: 20, kentAmhp: 120, kccAdultSocialCare: 240, medwayAdultSocialCare: 260, kentChildrensSocialCare: 180,
  acuteEd: 30, gpOrNhs111: 300, safeHaven: 60, familyOrCarer: 15, cjlds: 90,
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
const HOUR_WEIGHTS = [3, 2.5, 2, 1.6, 1.3, 1.2, 1.5, 2.2, 3, 3.6, 4, 4.3, 4.5, 4.6, 4.8, 5.2, 5.6, 6, 6.2, 6.2, 5.8, 5.2, 4.5, 3.7];

function pickWeighted<T>(rand: () => number, xs: Weighted<T>): T {
  const total = xs.reduce((a, [, w]) => a + w, 0);
  let r = rand() * total;
  for (const [x, w] of xs) if ((r -= w) < 0) return x;
  return xs[xs.length - 1]![0];
}

const minutes = (m: number) => m * 60_000;
const iso = (t: number) => new Date(Math.round(t / 1000) * 1000).toISOString();
/** A log-normal-ish positive duration with the given median (minutes). */
const duration = (rand: () => number, median: number, spread = 0.6) => Math.max(1, median * Math.exp(spread * (rand() + rand() + rand() - 1.5) * 1.6));

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
  const dayWeights = Array.from({ length: o.days }, (_, d) => MONTH_WEIGHTS[new Date(startMs + d * 86_400_000).getUTCMonth()]!);
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
    for (let r = rand() * hourTotal; h < 23 && (r -= HOUR_WEIGHTS[h]!) >= 0; h++);
    const received = startMs + d * 86_400_000 + h * 3_600_000 + Math.floor(rand() * 3_600_000);
    const mh = isMh[n]!;
    const category = mh ? pickWeighted(rand, CATEGORY_WEIGHTS) : pickWeighted(rand, [['concernForWelfare', 50], ['other', 30], ['medicalTreatmentRequired', 20]] as const);
    const rcrpScope = rcrpCategories.has(category);
    const decision: RcrpDecision | null = rcrpScope ? pickWeighted(rand, DECISION_WEIGHTS) : null;
    const urgent = category === 'suicideSelfHarmConcern' || category === 'mhCrisisInPublic';
    const grade = decision === 'handover' || decision === 'adviceOnly' ? (rand() < 0.7 ? 'G5' : 'G3') : urgent ? (rand() < 0.6 ? 'G1' : 'G2') : pickWeighted(rand, [['G1', 0.15], ['G2', 0.5], ['G3', 0.3], ['G4', 0.05]] as const);
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
      resources.forEach((r, k) => (r.callSign = `${r.callSign}${k ? `-${k}` : ''}`));
    }
    const referrals: PlannedReferral[] = [];
    const refer = decision === 'handover' || decision === 'jointResponse' || (deploy && rand() < 0.2);
    if (refer) {
      const agency = pickWeighted(rand, AGENCY_WEIGHTS);
      // Handed over at once; after deployment, made once officers have assessed the person.
      const madeAt = decision === 'handover' ? ended + minutes(1 + rand() * 4) : (resources[0] ? Date.parse(resources[0].segments[0]!.endAt) + minutes(10 + rand() * 20) : ended + minutes(2));
      const r = rand();
      const wait = duration(rand, AGENCY_ANSWER_MINUTES[agency] ?? 60, 0.7);
      const answers: PlannedReferral['answers'] =
        r < 0.72 ? [{ answer: 'accepted', at: iso(madeAt + minutes(wait)) }] : r < 0.87 ? [{ answer: 'declined', at: iso(madeAt + minutes(wait)) }] : r < 0.94 ? [{ answer: 'noResponse', at: iso(madeAt + minutes(240)) }, { answer: 'accepted', at: iso(madeAt + minutes(240 + wait)) }] : [{ answer: 'noResponse', at: iso(madeAt + minutes(240)) }];
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
      });
      continue;
    }
    plans.push({
      n,
      reference: `DEMO-${o.seed}-${String(n).padStart(6, '0')}`,
      receivedAt: iso(received),
      channel: pickWeighted(rand, [['999', 46], ['101', 40], ['online', 6], ['partnerAgency', 8]] as const),
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
    });
  }
  plans.sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : a.n - b.n));
  return plans;
}

/** Monthly all-incident totals for the year (the denominator of "share of all incidents"), with the same seasonality. */
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
