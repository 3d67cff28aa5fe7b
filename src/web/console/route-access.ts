/**
 * The console's routes with their access rules (src/access/routes.ts spreads this table into
 * ROUTE_ACCESS, so the route guard holds every console page and form to the policy before its
 * screen runs). A screen may refuse more (an event type the role may not record), never less.
 */
import type { RouteTable } from '../../access/routes.js';

export const CONSOLE_ROUTE_ACCESS: RouteTable = {
  // The queue for roles that read incidents; for any other role, where to go instead (no record shown).
  'GET /console': { signedIn: 'the console’s front: the queue, or where to go for a role without a screen' },
  'GET /console/partials/queue': { operation: 'incident.read', action: 'console.queue' },
  'GET /console/partials/banner': { operation: 'alert.read', action: 'console.alertBanner' },
  'GET /console/partials/badge': { operation: 'alert.read', action: 'console.alertBadge' },
  'GET /console/calls/new': { operation: 'incident.create' },
  'POST /console/calls': { operation: 'incident.create' },
  'GET /console/incidents/:id': { operation: 'incident.read', action: 'console.incident', record: 'incident' },
  'GET /console/incidents/:id/partials/header': {
    operation: 'incident.read',
    action: 'console.incident',
    record: 'incident',
  },
  'GET /console/incidents/:id/partials/timeline': {
    operation: 'incident.read',
    action: 'console.incident',
    record: 'incident',
  },
  // Each event type is then held to its own operation by the screen (EVENT_OPERATIONS), as on the API.
  'POST /console/incidents/:id/events': { operation: 'incident.read', action: 'console.event', record: 'incident' },
  'POST /console/incidents/:id/check': {
    operation: 'incident.manage',
    action: 'console.rcrpCheck',
    record: 'incident',
  },
  'GET /console/board': { operation: 'detention.read', action: 'console.board' },
  'GET /console/partials/board': { operation: 'detention.read', action: 'console.board' },
  'GET /console/alerts': { operation: 'alert.read', action: 'console.alerts' },
  'GET /console/partials/alerts': { operation: 'alert.read', action: 'console.alerts' },
  'POST /console/alerts/:id/acknowledge': { operation: 'alert.acknowledge', record: 'alert' },
  'POST /console/alerts/:id/escalate': { operation: 'alert.escalate', record: 'alert' },
  'GET /console/detentions': { operation: 'detention.review', action: 'console.detentions' },
  'POST /console/detentions/csv': { operation: 'detention.review', action: 'detentions.csv' },
  'GET /console/detentions/:id': { operation: 'detention.review', action: 'detention.review', record: 'detention' },
  'POST /console/detentions/:id/findings': {
    operation: 'detention.review',
    action: 'detention.finding',
    record: 'detention',
  },
  'POST /console/detentions/:id/export': {
    operation: 'detention.review',
    action: 'detention.export',
    record: 'detention',
  },
  'GET /console/handovers': { operation: 'handover.audit', action: 'console.handovers' },
};
