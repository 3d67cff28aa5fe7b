/**
 * The detention API: events through the one command path (If-Match, Idempotency-Key, 4xx for bad
 * input with nothing written), GET /api/detentions (filters, time left, pages) and
 * GET /api/detentions/:id (the legal timeline), and incident closure while a detention runs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import {
  arrived,
  clearResources,
  closeDetention,
  considered,
  consulted,
  conveyed,
  departed,
  detained,
  nhsAccepted,
  outcome,
  policeIncident,
  policeStation,
  steps,
} from '../support/flows.js';

let h: Harness;
beforeEach(() => {
  h = createHarness({ start: '2026-11-23T21:00:00Z' });
});
afterEach(() => h.close());

async function toPlaceOfSafety(
  detentionId: string,
  place: Record<string, unknown> = { site: 'kmptMaidstone' },
  incident: Record<string, unknown> = {},
) {
  const id = await policeIncident(h, incident);
  await steps(h, id, [
    considered(detentionId),
    consulted(detentionId),
    detained(detentionId),
    conveyed(detentionId),
    arrived(detentionId, place),
  ]);
  return id;
}

describe('detention events through the command path', () => {
  it('a detention cannot start before police are dispatched; the incident cannot close while one runs', async () => {
    const id = (
      await h.request('POST', '/api/incidents', {
        body: {
          receivedAt: h.clock.at(-5),
          channel: '999',
          category: 'mhCrisisInPublic',
          mhFlagAtCall: true,
          locationClass: 'urban',
        },
      })
    ).body.id;
    const r = await h.event(id, considered());
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'POLICE_NOT_DEPLOYED', rule: null });
    expect(r.body.allowedEvents).not.toContain('S136_CONSIDERED');

    const id2 = await toPlaceOfSafety(
      'd1',
      { site: 'kmptMaidstone' },
      { subject: { ageYears: 52, gender: 'female', ethnicity: 'asian' } },
    );
    const view = (await h.request('GET', `/api/incidents/${id2}`)).body;
    expect(view.allowedEvents).not.toContain('INCIDENT_CLOSED');
    expect(view.detentions).toEqual([
      expect.objectContaining({
        id: 'd1',
        power: 's136',
        state: 'atPlaceOfSafety',
        clockStart: '2026-11-23T21:00:00.000Z',
        expiresAt: '2026-11-24T21:00:00.000Z',
        lapsed: false,
        outcome: null,
      }),
    ]);
    const closing = await h.event(id2, { type: 'INCIDENT_CLOSED', mhFlagAtClose: true, closureCode: 'resolved' });
    expect(closing.status).toBe(422);
    expect(closing.body.code).toBe('DETENTION_OPEN');
    h.clock.advanceMinutes(20);
    await steps(h, id2, [
      nhsAccepted(),
      departed(),
      outcome('d1', 'dischargedNFA', { doctorExaminedAt: h.clock.at() }),
      closeDetention(),
    ]);
    await clearResources(h, id2);
    expect((await h.event(id2, { type: 'INCIDENT_CLOSED', mhFlagAtClose: true, closureCode: 'resolved' })).status).toBe(
      200,
    );
    // Nothing more can happen to the detention once the incident is closed.
    const late = await h.event(id2, { type: 'S136_ADR_RECORDED', detentionId: 'd1', person: { gender: 'male' } });
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('INCIDENT_CLOSED');
  });

  it('uses If-Match (409 when stale) and Idempotency-Key (a retry gets the first answer, writes nothing)', async () => {
    const id = await policeIncident(h);
    const v = (await h.request('GET', `/api/incidents/${id}`)).body.version as number;
    const first = await h.event(id, considered(), { version: v, key: 'k-consider-1' });
    expect(first.status).toBe(200);
    const events = h.count('incident_events');
    // The same key with a different body is refused as a reused key.
    const retry = await h.event(id, considered('d1', { officer: { name: 'PC 2', role: 'constable' } }), {
      version: v,
      key: 'k-consider-1',
    });
    expect(retry.status).toBe(422);
    expect(retry.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const stale = await h.event(id, consulted(), { version: v });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(v + 1);
    expect(h.count('incident_events')).toBe(events);
  });

  it('an idempotent retry of a detention event replays the first answer', async () => {
    const id = await policeIncident(h);
    const v = (await h.request('GET', `/api/incidents/${id}`)).body.version as number;
    const body = { ...considered(), occurredAt: h.clock.at() };
    const first = await h.event(id, body, { version: v, key: 'k-1' });
    const again = await h.event(id, body, { version: v, key: 'k-1' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(
      h.db.$client.prepare(`SELECT count(*) FROM incident_events WHERE type = 'S136_CONSIDERED'`).pluck().get(),
    ).toBe(1);
  });

  it(
    'bad input answers 400 naming the field, an id used on another incident 409, an unknown detention 422; nothing ' +
      'is written',
    async () => {
      const id = await policeIncident(h);
      await steps(h, id, [considered('d1'), consulted('d1'), detained('d1'), conveyed('d1')]);
      const other = await policeIncident(h);
      const before = h.count('incident_events');
      const cases: Array<[Record<string, unknown>, number, string]> = [
        [arrived('d1', { site: 'nowhere' }), 400, 'body.placeOfSafety.site'],
        [arrived('d1', { site: 'kmptMaidstone', type: 'policeStation' }), 400, 'body.placeOfSafety.type'],
        [arrived('d1', { type: 'otherSuitablePlace' }), 400, 'body.placeOfSafety'],
        [
          { ...detained('d9'), criteria: { apparentMentalDisorder: 'yes' } },
          400,
          'body.criteria.apparentMentalDisorder',
        ],
        [{ ...considered('bad id!') }, 400, 'body.detentionId'],
        [{ ...considered('d1'), surplus: 1 }, 400, 'body'],
      ];
      for (const [body, status, path] of cases) {
        const r = await h.event(id, body);
        expect(r.status, JSON.stringify(r.body)).toBe(status);
        expect(r.body.issues.map((i: { path: string }) => i.path).join(' '), JSON.stringify(r.body)).toContain(path);
      }
      const taken = await h.event(other, considered('d1'));
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('DETENTION_ID_TAKEN');
      const dup = await h.event(id, considered('d1'));
      expect(dup.status).toBe(422);
      expect(dup.body.code).toBe('DUPLICATE_ID');
      const unknown = await h.event(id, nhsAccepted('nope'));
      expect(unknown.status).toBe(422);
      expect(unknown.body.code).toBe('UNKNOWN_CHILD');
      expect(h.count('incident_events')).toBe(before);
      expect((await h.request('GET', '/api/detentions/nope')).status).toBe(404);
    },
  );

  it('an omitted detention id is generated and returned', async () => {
    const id = await policeIncident(h);
    const r = await h.event(id, { type: 'S136_CONSIDERED', officer: { name: 'PC 1', role: 'constable' } });
    expect(r.status).toBe(200);
    const generated = r.body.detentions[0].id as string;
    expect(generated).toMatch(/^det-[0-9a-f-]{13}$/);
    expect((await h.request('GET', `/api/detentions/${generated}`)).body.incidentId).toBe(id);
  });
});

describe('GET /api/detentions', () => {
  it('lists detentions with the time left on each clock, filtered by status, place of safety and time', async () => {
    await toPlaceOfSafety('a'); // clock 21:00 → 21:00 tomorrow
    h.clock.set('2026-11-23T23:00:00Z');
    await toPlaceOfSafety('b', { site: 'edMedway' });
    h.clock.set('2026-11-23T23:30:00Z');
    const c = await policeIncident(h);
    await steps(h, c, [considered('c')]);
    h.clock.set('2026-11-24T03:00:00Z');

    const all = (await h.request('GET', '/api/detentions')).body;
    expect(all.total).toBe(3);
    expect(all.now).toBe('2026-11-24T03:00:00.000Z');
    expect(all.items.map((d: { id: string }) => d.id)).toEqual(['c', 'b', 'a']);
    const a = all.items.find((d: { id: string }) => d.id === 'a');
    expect(a).toMatchObject({
      status: 'running',
      expiresAt: '2026-11-24T21:00:00.000Z',
      timeLeftSeconds: 18 * 3600,
      expired: false,
      currentPlaceOfSafety: { type: 'healthBasedPlaceOfSafety', site: 'kmptMaidstone' },
    });
    expect(all.items.find((d: { id: string }) => d.id === 'c')).toMatchObject({
      status: 'considering',
      timeLeftSeconds: null,
      clockStart: null,
    });

    const soonest = (await h.request('GET', '/api/detentions?status=running&order=expiry')).body.items.map(
      (d: { id: string }) => d.id,
    );
    expect(soonest).toEqual(['a', 'b']);
    expect(
      (await h.request('GET', '/api/detentions?placeOfSafety=emergencyDepartment')).body.items.map(
        (d: { id: string }) => d.id,
      ),
    ).toEqual(['b']);
    expect(
      (await h.request('GET', '/api/detentions?placeOfSafety=kmptMaidstone')).body.items.map(
        (d: { id: string }) => d.id,
      ),
    ).toEqual(['a']);
    expect(
      (await h.request('GET', '/api/detentions?open=true&from=2026-11-23T22:00:00Z')).body.items.map(
        (d: { id: string }) => d.id,
      ),
    ).toEqual(['c', 'b']);
    expect((await h.request('GET', '/api/detentions?status=closed')).body).toMatchObject({ items: [], total: 0 });

    const page1 = (await h.request('GET', '/api/detentions?limit=2')).body;
    expect(page1.items).toHaveLength(2);
    const page2 = (await h.request('GET', `/api/detentions?limit=2&cursor=${page1.nextCursor}`)).body;
    expect(page2.items.map((d: { id: string }) => d.id)).toEqual(['a']);
    expect(page2.nextCursor).toBeNull();
    expect((await h.request('GET', '/api/detentions?cursor=junk')).status).toBe(400);
    expect((await h.request('GET', '/api/detentions?status=sleeping')).status).toBe(400);
  });

  it('GET /api/detentions/:id gives the full legal timeline, with the incident version for If-Match', async () => {
    const id = await toPlaceOfSafety('d1', policeStation(), {
      subject: { ageYears: 40, gender: 'male', ethnicity: 'white' },
    });
    const r = await h.request('GET', '/api/detentions/d1');
    expect(r.headers.get('etag')).toBe(`"${r.body.version}"`);
    expect(r.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'S136_CONSIDERED',
      'S136_CONSULTATION_RECORDED',
      'S136_DETAINED',
      'S136_CONVEYANCE_RECORDED',
      'S136_ARRIVED_AT_PLACE_OF_SAFETY',
    ]);
    expect(r.body.timeline.every((e: { actor: { name: string } }) => e.actor.name === 'Test dispatcher')).toBe(true);
    expect(r.body).toMatchObject({
      incidentId: id,
      officer: { name: 'PC 4521 A. Shah', role: 'constable' },
      policeStationUsed: true,
      adr: { complete: true },
    });
    // The next event goes in with that version.
    const next = await h.event(
      id,
      {
        type: 'S136_HEALTHCARE_CHECK_RECORDED',
        detentionId: 'd1',
        professional: 'custody nurse',
        professionalPresent: true,
      },
      { version: r.body.version },
    );
    expect(next.status).toBe(200);
  });
});
