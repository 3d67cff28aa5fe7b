/*
 * The script of the /reports page, served as a file (the page's Content-Security-Policy allows no
 * inline script). It keeps the financial-year picker and the dates in step, and fetches the pack,
 * the workbook and the CSVs from the API with the signed-in session (the browser holds no token).
 */
const $ = (id) => document.getElementById(id);
$('year').addEventListener('change', () => {
  const o = $('year').selectedOptions[0];
  if (o?.dataset.from) {
    $('from').value = o.dataset.from;
    $('to').value = o.dataset.to;
  }
});
const toCustom = () => {
  const match = [...$('year').options].find(
    (o) => o.dataset.from === $('from').value && o.dataset.to === $('to').value,
  );
  $('year').value = match ? match.value : 'custom';
};
$('from').addEventListener('change', toCustom);
$('to').addEventListener('change', toCustom);
const url = (path, extra) => `${path}?from=${$('from').value}&to=${$('to').value}${extra}`;
const explain = (status, p) =>
  status === 401 ? 'Your session has ended: sign in again.' : `${p.title || status}: ${p.detail || ''}`;
async function get(path, extra) {
  $('msg').textContent = '';
  const r = await fetch(url(path, extra), { credentials: 'same-origin' });
  if (!r.ok) {
    $('msg').textContent = explain(r.status, await r.json().catch(() => ({})));
    return null;
  }
  return r;
}
async function download(path, extra, name) {
  const r = await get(path, extra);
  if (!r) return;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await r.blob());
  a.download = name;
  a.click();
}
// The pack opens in the frame from its own address (its own CSP, which allows its inline style). A
// refusal arrives as a problem (JSON) in the frame instead: shown as the page's message.
$('f').addEventListener('submit', (e) => {
  e.preventDefault();
  $('msg').textContent = '';
  $('pack').src = url('/api/reports/evidence-pack', '');
});
$('pack').addEventListener('load', () => {
  const doc = $('pack').contentDocument;
  if (!doc || doc.contentType === 'text/html') return;
  let problem = {};
  try {
    problem = JSON.parse(doc.body.textContent);
  } catch {
    // not a problem document: the status alone
  }
  $('msg').textContent = explain(problem.status, problem);
  $('pack').src = 'about:blank';
});
$('xlsx').addEventListener('click', () => download('/api/reports/workbook', '', 'evidence-tables.xlsx'));
$('zip').addEventListener('click', () => download('/api/reports/evidence-pack', '&format=zip', 'evidence-pack.zip'));
$('csv').addEventListener('click', () =>
  download('/api/reports/demand', '&format=csv&groupBy=month', 'demand-report.csv'),
);
