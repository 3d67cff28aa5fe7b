/**
 * Screen 4, the s.136 board: every running s.136/s.135 detention, soonest expiry first, each with a
 * live countdown to the end of its permitted period (warning stages from configuration: T−6 h and
 * T−2 h by default), the extension, the place of safety and its handover clock (the NHS to accept
 * within the hour), and the detentions still being considered. Reloads itself on every change.
 */
import type { Hono } from 'hono';
import type { CommandDeps } from '../../../commands/deps.js';
import type { AppEnv } from '../../../http/types.js';
import { type BoardRow, loadBoard } from '../../../queries/board.js';
import { Countdown, Tag } from '../components.js';
import { duration, localTime } from '../format.js';
import { valueLabel } from '../labels.js';
import { type ConsoleRequest, consoleRequest, live, renderConsole, renderPartial } from '../shell.js';
import { HANDOVER_STAGES, s136Stages } from './incident-view.js';

function placeName(r: ConsoleRequest, d: BoardRow): string {
  if (d.placeSite) return r.deps.config.s136.placesOfSafety.find((p) => p.code === d.placeSite)?.label ?? d.placeSite;
  return d.placeType ? valueLabel(d.placeType) : 'Not yet at a place of safety';
}

function Handover({ r, d }: { r: ConsoleRequest; d: BoardRow }) {
  if (d.handoverDueAt)
    return <Countdown due={d.handoverDueAt} now={r.now} stages={HANDOVER_STAGES} prefix="NHS to accept · " />;
  if (d.departedAt) return <Tag tone="ok">Police left {localTime(d.departedAt, r.timeZone, r.now)}</Tag>;
  if (d.acceptedAt) return <Tag tone="ok">NHS accepted {localTime(d.acceptedAt, r.timeZone, r.now)}</Tag>;
  if (d.arrivedAt) return <Tag tone="neutral">Police staying (agreed)</Tag>;
  return <Tag tone="neutral">Not arrived</Tag>;
}

export function BoardSection({ r }: { r: ConsoleRequest }) {
  const b = loadBoard(r.deps.db);
  r.shown(
    'detention.read',
    b.running.map((d) => ({ type: 'detention', id: d.id })),
  );
  const stages = s136Stages(r);
  return (
    <section id="board" {...live('/console/partials/board')}>
      <table class="grid board" data-rows>
        <caption>
          {b.running.length} running detention{b.running.length === 1 ? '' : 's'}, soonest expiry first
        </caption>
        <thead>
          <tr>
            <th scope="col">Time left</th>
            <th scope="col">Expires</th>
            <th scope="col">Incident</th>
            <th scope="col">Power</th>
            <th scope="col">Place of safety</th>
            <th scope="col">Handover</th>
            <th scope="col">Extension</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {b.running.map((d) => (
            <tr>
              <td>
                {d.expiresAt ? (
                  d.status === 'lapsed' ? (
                    <Tag tone="danger">Lapsed</Tag>
                  ) : (
                    <Countdown due={d.expiresAt} now={r.now} stages={stages} />
                  )
                ) : (
                  <Tag tone="info">Clock not started</Tag>
                )}
              </td>
              <td>{d.expiresAt ? localTime(d.expiresAt, r.timeZone, r.now) : '—'}</td>
              <td>
                <a href={`/console/incidents/${d.incidentId}`} class="ref" id={`board-${d.id}`} data-row>
                  {d.reference ?? d.incidentId.slice(0, 8)}
                </a>
                {d.alerts > 0 ? (
                  <>
                    {' '}
                    <Tag tone="warn">
                      {d.alerts} alert{d.alerts === 1 ? '' : 's'}
                    </Tag>
                  </>
                ) : null}
              </td>
              <td>{valueLabel(d.power)}</td>
              <td>
                {placeName(r, d)}
                {d.checkDueAt ? (
                  <>
                    <br />
                    <Countdown due={d.checkDueAt} now={r.now} stages={HANDOVER_STAGES} prefix="Healthcare check · " />
                  </>
                ) : null}
              </td>
              <td>
                <Handover r={r} d={d} />
              </td>
              <td>
                {d.extensionMinutes > 0 ? (
                  <Tag tone="warn">Extended by {duration(d.extensionMinutes * 60_000)}</Tag>
                ) : (
                  <Tag tone="neutral">Not extended</Tag>
                )}
              </td>
              <td>{valueLabel(d.state)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {b.running.length === 0 ? <p class="muted">No detention is running.</p> : null}
      {b.considering.length > 0 ? (
        <>
          <h2>Being considered (no clock yet)</h2>
          <ul>
            {b.considering.map((d) => (
              <li>
                <a href={`/console/incidents/${d.incidentId}`}>{d.reference ?? d.incidentId.slice(0, 8)}</a>{' '}
                {valueLabel(d.power)}, {valueLabel(d.state)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

export function registerBoardScreen(app: Hono<AppEnv>, deps: CommandDeps) {
  app.get('/console/board', (c) => {
    const r = consoleRequest(c, deps);
    if (!r.access.can('detention.read'))
      return renderConsole(c, r, { title: 'Not available', body: <p>Your role cannot see detentions.</p> }, 403);
    return renderConsole(c, r, { title: 's.136 board', active: 'board', body: <BoardSection r={r} /> });
  });
  app.get('/console/partials/board', (c) => {
    const r = consoleRequest(c, deps);
    if (!r.access.can('detention.read')) return renderPartial(c, '', 403);
    return renderPartial(c, <BoardSection r={r} />);
  });
}
