/**
 * The live change feed behind `GET /api/stream`: every open console hears, within moments, that an
 * incident or an alert changed, and reloads what it shows. Commands hand their notices to the unit
 * of work, which publishes them here only once their writes are committed (src/commands/announce.ts),
 * so no one is told of a change that was rolled back.
 *
 * Each notice gets an id `<feed>-<n>`: `<feed>` names this process's feed (it changes on restart)
 * and `n` counts up. The last `capacity` notices are kept in a ring buffer, so a client that
 * reconnects with `Last-Event-ID` is sent what it missed; when it missed more than the buffer holds,
 * or the id is from another feed (the server restarted), it is sent one `reload` notice instead.
 * Notices carry ids and codes only (no free text, nothing about the person): see docs/api.md.
 */
import { randomBytes } from 'node:crypto';

/** What a committed change says about an incident (an event recorded by a person, a partner or the system). */
export interface IncidentNotice {
  kind: 'incident';
  incidentId: string;
  reference: string | null;
  /** The stored event type (INCIDENT_CREATED, GRADE_SET, DEADLINE_REACHED …). */
  event: string;
  /** Who recorded it: a user role, `partner` or `system`. */
  actorRole: string;
  /** The version people see (If-Match): unchanged by the system's own events. */
  version: number;
  /** The event's seq in the incident's log. */
  seq: number;
  state: string;
  status: 'open' | 'closed';
  /** Alerts this change raised (rule codes, no message text). */
  alertsRaised: Array<{ id: string; rule: string; severity: string }>;
}

/** An alert was acknowledged or escalated. */
export interface AlertNotice {
  kind: 'alert';
  incidentId: string;
  alertId: string;
  rule: string;
  severity: string;
  action: 'acknowledged' | 'escalated';
  actorRole: string;
}

export type ChangeNotice = IncidentNotice | AlertNotice;

/** Counts every screen shows (the unacknowledged-alerts badge), read after the commit that changed them. */
export interface AlertSummary {
  unacknowledgedCritical: number;
  unacknowledged: number;
}

/** A notice as sent: the change, its id, and the alert summary as it stood after that commit. */
export type SentNotice = (ChangeNotice & { alerts: AlertSummary }) | { kind: 'reload'; reason: string };

export interface Frame {
  id: string;
  event: SentNotice['kind'];
  data: string;
}

/** One connected client: how to send it a notice, a comment (keep-alive), and how to end its stream. */
export interface Subscriber {
  send(frame: Frame): void;
  comment(text: string): void;
  close(): void;
}

export interface ChangeFeedOptions {
  /** Notices kept for clients that reconnect (default 1024). */
  capacity?: number;
  /** Read after each commit's notices (once per batch); absent: zeros. */
  alertSummary?: () => AlertSummary;
}

const NO_ALERTS: AlertSummary = { unacknowledgedCritical: 0, unacknowledged: 0 };

export class ChangeFeed {
  /** Names this feed in every id, so an id from before a restart is recognised as such. */
  readonly name = randomBytes(4).toString('hex');
  readonly #capacity: number;
  readonly #summary: () => AlertSummary;
  readonly #ring: Array<{ n: number; frame: Frame }> = [];
  readonly #subscribers = new Set<Subscriber>();
  #n = 0;
  #closed = false;
  #lastSummary: AlertSummary | null = null;

  constructor(opts: ChangeFeedOptions = {}) {
    this.#capacity = opts.capacity ?? 1024;
    this.#summary = opts.alertSummary ?? (() => NO_ALERTS);
  }

  /** The notices of one commit, in order. Called by the unit of work after its COMMIT. */
  publish(notices: readonly ChangeNotice[]): void {
    if (notices.length === 0 || this.#closed) return;
    for (const notice of notices) {
      const frame = this.#frame({ ...notice, alerts: this.#summaryAfter(notice) });
      this.#ring.push({ n: this.#n, frame });
      if (this.#ring.length > this.#capacity) this.#ring.shift();
      for (const s of this.#subscribers) s.send(frame);
    }
  }

  /**
   * Start sending to `s`: first what it missed since `lastEventId` (or a `reload` notice when that
   * cannot be told), then every new notice. Returns the function that stops it.
   */
  subscribe(s: Subscriber, lastEventId: string | null): () => void {
    if (this.#closed) {
      s.close();
      return () => {};
    }
    if (lastEventId !== null) for (const frame of this.#missed(lastEventId)) s.send(frame);
    this.#subscribers.add(s);
    return () => this.#subscribers.delete(s);
  }

  /** A comment line to every client, so proxies and browsers keep idle connections open. */
  keepAlive(): void {
    for (const s of this.#subscribers) s.comment('keep-alive');
  }

  get subscribers(): number {
    return this.#subscribers.size;
  }

  /** End every stream (server shutdown); later subscribers are closed at once. */
  close(): void {
    this.#closed = true;
    for (const s of this.#subscribers) s.close();
    this.#subscribers.clear();
  }

  /**
   * The counts as they stand after `notice`'s commit. They change only when alerts are raised, acknowledged
   * or leave the open incidents (closure), so they are read again only then. This runs after a commit:
   * a failure here must not look like a failed command, so the last counts stand in.
   */
  #summaryAfter(notice: ChangeNotice): AlertSummary {
    const changed = notice.kind === 'alert' || notice.alertsRaised.length > 0 || notice.event === 'INCIDENT_CLOSED';
    if (this.#lastSummary && !changed) return this.#lastSummary;
    try {
      this.#lastSummary = this.#summary();
    } catch {
      /* keep the last counts */
    }
    return this.#lastSummary ?? NO_ALERTS;
  }

  #frame(notice: SentNotice): Frame {
    this.#n++;
    return { id: `${this.name}-${this.#n}`, event: notice.kind, data: JSON.stringify(notice) };
  }

  #missed(lastEventId: string): Frame[] {
    const m = /^([0-9a-f]+)-(\d+)$/.exec(lastEventId);
    const n = m && m[1] === this.name ? Number(m[2]) : null;
    const oldest = this.#ring[0]?.n ?? this.#n + 1;
    if (n !== null && n <= this.#n && n >= oldest - 1) return this.#ring.filter((x) => x.n > n).map((x) => x.frame);
    // Not resumable: missed more than the buffer holds, or an id from before a restart.
    const reason = n === null ? 'the server restarted' : 'more changes were missed than are kept';
    return [{ id: `${this.name}-${this.#n}`, event: 'reload', data: JSON.stringify({ kind: 'reload', reason }) }];
  }
}
