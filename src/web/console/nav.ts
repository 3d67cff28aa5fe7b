/**
 * The console's places, in the order of the navigation bar: each with the operation a role needs to
 * see it (src/access/policy.ts) and the key that opens it. A screen added to the console adds its line here.
 */
import type { Operation } from '../../access/policy.js';

export interface NavItem {
  key: string;
  label: string;
  href: string;
  /** The key that opens it from anywhere (no modifier; not while typing in a field). */
  shortcut: string;
  op: Operation;
}

export const NAV: readonly NavItem[] = [
  { key: 'queue', label: 'Queue', href: '/console', shortcut: 'q', op: 'incident.read' },
  { key: 'new', label: 'New call', href: '/console/calls/new', shortcut: 'n', op: 'incident.create' },
  { key: 'board', label: 's.136 board', href: '/console/board', shortcut: 'b', op: 'detention.read' },
  { key: 'alerts', label: 'Alerts', href: '/console/alerts', shortcut: 'a', op: 'alert.read' },
  { key: 'detentions', label: 'Detentions', href: '/console/detentions', shortcut: 'd', op: 'detention.review' },
  { key: 'handovers', label: 'Handovers', href: '/console/handovers', shortcut: 'h', op: 'handover.audit' },
];

/** A key and what it does, for the help dialog ("?"). */
export interface Shortcut {
  keys: string;
  label: string;
}

/** Keys that work on every console page. */
export const GLOBAL_SHORTCUTS: readonly Shortcut[] = [
  { keys: '?', label: 'Show or hide these shortcuts' },
  { keys: '/', label: 'Go to the filter or first field of the page' },
  { keys: 'Esc', label: 'Leave the field you are typing in, close a dialog' },
  ...NAV.map((n) => ({ keys: n.shortcut, label: `Open ${n.label.replace(/^s\./, 's.')}` })),
];
