/**
 * The browser script of the /reports page, kept apart from the page so it can be served as a file
 * (e.g. under a Content-Security-Policy without inline script) without change. It reads the
 * bearer token typed into the page (kept in this tab's sessionStorage only), keeps the financial-
 * year picker and the dates in step, and fetches the pack, the workbook and the CSVs with the token.
 */
export const REPORTS_PAGE_SCRIPT = `
const $ = (id) => document.getElementById(id);
$('token').value = sessionStorage.getItem('token') || '';
$('year').addEventListener('change', () => {
  const o = $('year').selectedOptions[0];
  if (o && o.dataset.from) { $('from').value = o.dataset.from; $('to').value = o.dataset.to; }
});
const toCustom = () => {
  const match = [...$('year').options]
    .find((o) => o.dataset.from === $('from').value && o.dataset.to === $('to').value);
  $('year').value = match ? match.value : 'custom';
};
$('from').addEventListener('change', toCustom);
$('to').addEventListener('change', toCustom);
async function get(path, extra) {
  sessionStorage.setItem('token', $('token').value.trim());
  $('msg').textContent = '';
  const r = await fetch(path + '?from=' + $('from').value + '&to=' + $('to').value + extra,
    { headers: { authorization: 'Bearer ' + $('token').value.trim() } });
  if (!r.ok) {
    const p = await r.json().catch(() => ({}));
    $('msg').textContent = (p.title || r.status) + ': ' + (p.detail || '');
    return null;
  }
  return r;
}
async function download(path, extra, name) {
  const r = await get(path, extra); if (!r) return;
  const a = document.createElement('a'); a.href = URL.createObjectURL(await r.blob()); a.download = name; a.click();
}
$('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const r = await get('/api/reports/evidence-pack', '');
  if (r) $('pack').srcdoc = await r.text();
});
$('xlsx').addEventListener('click', () => download('/api/reports/workbook', '', 'evidence-tables.xlsx'));
$('zip').addEventListener('click', () => download('/api/reports/evidence-pack', '&format=zip', 'evidence-pack.zip'));
$('csv').addEventListener('click', () =>
  download('/api/reports/demand', '&format=csv&groupBy=month', 'demand-report.csv'));
`;
