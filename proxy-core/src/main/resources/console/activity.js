// Activity: the latest audit lines, filterable by user, and the request and refusal rates of the last minutes.
import {api, explain} from './api.js';
import {h, svg, replace, field, table, notice} from './dom.js';

const REFRESH_MS = 10000;

export async function render(view) {
  const user = h('input', {type: 'text', autocomplete: 'off', spellcheck: 'false'});
  const chart = h('div', {id: 'rates'});
  const lines = h('div', {id: 'audit-lines'});
  const load = async () => {
    const query = new URLSearchParams({limit: '100'});
    if (user.value.trim()) query.set('user', user.value.trim());
    const [audit, rates] = await Promise.all([api.get('/admin/audit?' + query), api.get('/admin/rates')]);
    replace(chart, rateChart(rates));
    replace(lines, audit.lines.length === 0 ? notice('info', 'No audit lines' + (query.has('user')
      ? ' for ' + query.get('user') : '') + ' yet.')
      : table('audit', 'Audit lines', ['Time', 'Direction', 'User', 'Agent / tool', 'Request', 'Status',
        'Decision'], audit.lines.map(cells)));
  };
  const refresh = async () => {
    try {
      await load();
    } catch (e) {
      replace(lines, explain(e));
    }
  };
  const filter = h('form', {class: 'filters', on: {submit: (event) => {
    event.preventDefault();
    refresh();
  }}}, field('activity-user', 'User', user), h('button', {type: 'submit'}, 'Filter'),
  h('button', {type: 'button', on: {click: refresh}}, 'Refresh'));
  replace(view, h('h1', {}, 'Activity'),
    h('p', {class: 'muted'}, 'The latest lines of the audit trail, newest first, and what the proxy answered '
      + 'over the last minutes.'),
    h('section', {class: 'card'}, h('h2', {}, 'Requests and refusals'), chart), filter, lines);
  await load();
  const timer = setInterval(refresh, REFRESH_MS);
  return () => clearInterval(timer);
}

function cells(line) {
  const decision = line.decision === 'deny'
    ? h('span', {class: 'badge fail'}, 'deny' + (line.reason ? ': ' + line.reason : ''))
    : h('span', {class: 'badge pass'}, line.decision || '');
  return [line.ts || '', line.direction || '', line.user || '', line.tool || line.agent || '',
    [line.method, line.path].filter(Boolean).join(' '), String(line.status ?? ''),
    h('span', {}, decision, line.rule ? ' ' + line.rule : '')];
}

/** Bars per interval: all answers, and the 4xx/5xx ones over them. */
function rateChart(rates) {
  const intervals = rates.intervals || [];
  const total = intervals.reduce((n, i) => n + i.requests, 0);
  const refused = intervals.reduce((n, i) => n + i.refused, 0);
  const width = 300;
  const height = 80;
  const max = Math.max(1, ...intervals.map((i) => i.requests));
  const slot = width / Math.max(intervals.length, 1);
  const bars = intervals.flatMap((i, n) => {
    const x = n * slot + 1;
    const w = Math.max(slot - 2, 1);
    const hAll = (i.requests / max) * (height - 4);
    const hRefused = (i.refused / max) * (height - 4);
    return [
      svg('rect', {class: 'bar-all', x, y: height - hAll, width: w, height: hAll},
        svg('title', {}, i.requests + ' requests, ' + i.refused + ' refused, until ' + i.end)),
      svg('rect', {class: 'bar-refused', x, y: height - hRefused, width: w, height: hRefused}),
    ];
  });
  const minutes = Math.round((intervals.length * (rates.intervalSeconds || 10)) / 60);
  return h('figure', {class: 'chart'},
    svg('svg', {viewBox: '0 0 ' + width + ' ' + height, role: 'img', preserveAspectRatio: 'none',
      'aria-label': total + ' requests, ' + refused + ' refused, in the last ' + minutes + ' minutes'},
    svg('line', {class: 'axis', x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5}), bars),
    h('figcaption', {id: 'rates-summary'},
      h('span', {class: 'key all'}, 'requests'), ' ', h('span', {class: 'key refused'}, 'refused (4xx/5xx)'), ' · ',
      total + ' requests, ' + refused + ' refused in the last ' + minutes + ' min (bars of '
      + (rates.intervalSeconds || 10) + ' s)'));
}
