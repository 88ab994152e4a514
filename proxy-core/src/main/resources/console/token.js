// Token check: every check of `token verify`, run by the proxy on its live configuration, pass or fail.
import {api, ApiError, explain} from './api.js';
import {h, replace, field, notice} from './dom.js';

export async function render(view) {
  const providers = (await api.get('/admin/identity-providers')).items.map((p) => p.name);
  const token = h('textarea', {rows: 5, spellcheck: 'false', autocomplete: 'off', class: 'mono'});
  const host = h('input', {type: 'text', autocomplete: 'off', spellcheck: 'false'});
  const provider = h('select', {}, h('option', {value: ''}, '(as the ingress picks it)'),
    providers.map((n) => h('option', {value: n}, n)));
  const result = h('div', {id: 'token-result', 'aria-live': 'polite'});
  const form = h('form', {id: 'token-check', class: 'card', on: {submit: async (event) => {
    event.preventDefault();
    const raw = token.value.trim().replace(/^Bearer\s+/i, '');
    if (!raw) {
      replace(result, notice('error', 'Paste a token first.'));
      return;
    }
    replace(result, h('p', {class: 'muted'}, 'Checking…'));
    try {
      const answer = await api.post('/admin/token-check', {token: raw, host: host.value.trim() || null,
        provider: provider.value || null});
      replace(result, checks(answer));
    } catch (e) {
      replace(result, e instanceof ApiError ? notice('error', e.message) : explain(e));
    }
  }}},
  field('tc-token', 'Token', token, 'the JWT a client sends as Authorization: Bearer …; it is not stored'),
  field('tc-host', 'Host', host, 'the Host the request would go to (optional: picks the provider as the ingress does)'),
  field('tc-provider', 'Identity provider', provider),
  h('button', {type: 'submit', class: 'primary', id: 'tc-run'}, 'Check'));
  replace(view, h('h1', {}, 'Token check'),
    h('p', {class: 'muted'}, 'Runs every check the ingress would run on a token, as bin/runagents token verify does.'),
    form, result);
}

function checks(answer) {
  if (answer.error) return notice('error', answer.error);
  return h('section', {class: 'card'},
    h('p', {class: 'verdict ' + (answer.accepted ? 'pass' : 'fail'), id: 'token-verdict'},
      answer.accepted ? 'Accepted' : 'Refused'),
    h('p', {}, 'Identity provider: ', h('span', {class: 'name'}, answer.identityProvider), ' (issuer ',
      answer.issuer, ')'),
    answer.user ? h('p', {}, answer.accepted ? 'X-End-User-ID: ' : 'User ID claim (not accepted): ',
      h('span', {class: 'name', id: 'token-user'}, answer.user)) : null,
    h('ul', {class: 'checks', id: 'token-checks'}, answer.checks.map((c) => h('li', {'data-check': c.name},
      h('span', {class: 'badge ' + (c.passed ? 'pass' : 'fail')}, c.passed ? 'pass' : 'fail'), ' ',
      h('span', {class: 'check-name'}, c.name), ' ', h('span', {class: 'detail'}, c.detail)))));
}
