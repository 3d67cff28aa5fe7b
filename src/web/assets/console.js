/*
 * The console's behaviour in the browser, served as a file (the CSP allows no inline script):
 *  - keyboard shortcuts: an element with data-key="x" is activated by the key x (a link or button is
 *    clicked, a field focused) when the user is not typing in a field; "?" opens the help dialog, "/"
 *    goes to the page's [data-key-focus] element; j/k or the arrow keys move along [data-row] links;
 *  - clocks: [data-clock] elements tick every second from the server's time (body[data-server-now],
 *    offset by the time since the page loaded, so the browser's own clock never matters), with the
 *    same words and tones the server rendered (src/web/console/components.tsx);
 *  - the live-connection indicator (#live-status) from the SSE extension's events: live, reconnecting
 *    by itself, or not connected (say so, and how to recover);
 *  - which live parts reload for a change the feed reports: a part marked data-live-incident only for
 *    a change to that incident, a part marked data-live-alerts only when the unacknowledged-alert
 *    counts the notice carries differ from the ones it shows (no eval: htmx:confirm cancels the rest);
 *  - a form that was refused scrolls its error box into view and focuses it.
 */
(() => {
  const ICONS = { ok: '✔', warn: '▲', danger: '✖', info: '●', neutral: '○' };
  const loadedAt = performance.now();
  const serverNow = Date.parse(document.body.dataset.serverNow || '') || Date.now();
  const now = () => serverNow + (performance.now() - loadedAt);

  // ---- durations, as format.ts writes them -------------------------------------------------------
  function duration(ms) {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
    return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  }

  function setTone(el, tone, text) {
    for (const t of Object.keys(ICONS)) el.classList.toggle(`tag-${t}`, t === tone);
    const icon = el.querySelector('.icon');
    if (icon) icon.textContent = ICONS[tone];
    const label = el.querySelector('.clock-text');
    if (label && label.textContent !== text) label.textContent = text;
  }

  function tickCountdown(el, t) {
    const left = Date.parse(el.dataset.due) - t;
    const stages = (el.dataset.stages || '')
      .split(',')
      .filter(Boolean)
      .map((s) => s.split(':'))
      .map(([m, tone]) => ({ ms: Number(m) * 60000, tone }))
      .sort((a, b) => a.ms - b.ms);
    const hit = stages.find((s) => left <= s.ms);
    const tone = left <= 0 ? 'danger' : hit ? hit.tone : 'ok';
    const text = left > 0 ? `${duration(left)} left` : `overdue by ${duration(-left)}`;
    setTone(el, tone, `${el.dataset.prefix || ''}${text}`);
  }

  function tickElapsed(el, t) {
    const since = Date.parse(el.dataset.since);
    const due = el.dataset.due ? Date.parse(el.dataset.due) : null;
    const share = Number(el.dataset.warnShare || '0.8');
    const waited = Math.max(0, t - since);
    let tone = 'neutral';
    let text = duration(waited);
    if (due !== null) {
      if (t >= due) {
        tone = 'danger';
        text = `${duration(waited)} · ${duration(t - due)} over target`;
      } else {
        tone = t - since >= (due - since) * share ? 'warn' : 'ok';
        text = `${duration(waited)} of ${duration(due - since)}`;
      }
    }
    setTone(el, tone, text);
  }

  function tick() {
    const t = now();
    for (const el of document.querySelectorAll('[data-clock="countdown"]')) tickCountdown(el, t);
    for (const el of document.querySelectorAll('[data-clock="elapsed"]')) tickElapsed(el, t);
  }
  setInterval(tick, 1000);

  // ---- keyboard shortcuts -------------------------------------------------------------------------
  const typing = (el) =>
    el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName)) && el.type !== 'radio';

  function visible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  function moveRow(step) {
    const rows = [...document.querySelectorAll('[data-row]')].filter(visible);
    if (rows.length === 0) return;
    const i = rows.indexOf(document.activeElement);
    const next = rows[i === -1 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, i + step))];
    next.focus();
    next.scrollIntoView({ block: 'nearest' });
  }

  const help = () => document.getElementById('shortcut-help');

  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const active = document.activeElement;
    if (active && active.type === 'radio' && e.key.startsWith('Arrow')) return;
    if (e.key === 'Escape' && typing(active)) {
      active.blur();
      return;
    }
    if (typing(active) || (help()?.open && e.key !== '?')) return;
    if (e.key === '?') {
      e.preventDefault();
      const d = help();
      if (d.open) d.close();
      else d.showModal();
      return;
    }
    if (e.key === '/') {
      const target = document.querySelector('[data-key-focus]');
      if (target) {
        e.preventDefault();
        target.focus();
      }
      return;
    }
    if (e.key === 'j' || e.key === 'ArrowDown') {
      if (document.querySelector('[data-row]')) {
        e.preventDefault();
        moveRow(1);
      }
      return;
    }
    if (e.key === 'k' || e.key === 'ArrowUp') {
      if (document.querySelector('[data-row]')) {
        e.preventDefault();
        moveRow(-1);
      }
      return;
    }
    const target = [...document.querySelectorAll(`[data-key="${CSS.escape(e.key)}"]`)].find(visible);
    if (!target) return;
    e.preventDefault();
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) target.focus();
    else if (target.tagName === 'DETAILS') {
      target.open = true;
      const first = target.querySelector('input:not([type=hidden]), select, textarea, button');
      (first || target.querySelector('summary')).focus();
    } else target.click();
  });

  // ---- live connection ------------------------------------------------------------------------------
  const status = document.getElementById('live-status');
  function live(state, text) {
    if (!status) return;
    status.dataset.state = state;
    status.querySelector('.icon').textContent = state === 'live' ? '✔' : state === 'lost' ? '✖' : '▲';
    status.querySelector('.live-text').textContent = text;
  }
  let failures = 0;
  document.body.addEventListener('htmx:sseOpen', () => {
    failures = 0;
    live('live', 'Live');
  });
  document.body.addEventListener('htmx:sseError', () => {
    failures += 1;
    if (failures < 5) live('reconnecting', 'Reconnecting…');
    else live('lost', 'Not connected: updates paused. Check the network, or reload the page.');
  });
  document.body.addEventListener('htmx:confirm', (e) => {
    const elt = e.detail.elt;
    const msg = e.detail.triggeringEvent?.detail;
    if (!elt || !msg || typeof msg.data !== 'string' || msg.type === 'reload') return;
    let notice;
    try {
      notice = JSON.parse(msg.data);
    } catch {
      return;
    }
    const incident = elt.dataset.liveIncident;
    if (incident && notice.incidentId !== incident) e.preventDefault();
    const shown = elt.dataset.liveAlerts;
    if (shown && notice.alerts) {
      const now = `${notice.alerts.unacknowledged},${notice.alerts.unacknowledgedCritical}`;
      if (now === shown) e.preventDefault();
    }
  });

  // A page restored from the back/forward cache has stale data: load it again.
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) window.location.reload();
  });

  // ---- refused forms ----------------------------------------------------------------------------------
  const refusal = document.querySelector('[data-focus-on-load]');
  if (refusal) {
    refusal.scrollIntoView({ block: 'center' });
    refusal.focus();
  }
})();
