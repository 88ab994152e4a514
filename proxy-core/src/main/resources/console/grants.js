// Grants: the per-user OAuth grants (SPEC section 8), with revoke. Never a token: the API has none to show.
import {api, enc, ApiError, explain} from './api.js';
import {h, replace, field, table, notice} from './dom.js';

export async function render(view) {
  const user = h('input', {type: 'text', autocomplete: 'off'});
  const tool = h('input', {type: 'text', autocomplete: 'off'});
  const message = h('div', {id: 'grants-message'});
  const listSlot = h('div', {});
  const load = async () => {
    const query = new URLSearchParams();
    if (user.value.trim()) query.set('user', user.value.trim());
    if (tool.value.trim()) query.set('tool', tool.value.trim());
    let answer;
    try {
      answer = await api.get('/admin/grants' + (query.size ? '?' + query : ''));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        replace(listSlot, notice('info', 'OAuth consent is not configured on this proxy.'));
        return;
      }
      throw e;
    }
    const grants = Array.isArray(answer) ? answer : answer.items || answer.grants || [];
    replace(listSlot, grants.length === 0 ? notice('info', 'No grants match.')
      : table('grants', 'Grants', ['User', 'Provider', 'Tool', 'Scopes', 'Created', 'Refreshed', 'Expires', ''],
        grants.map((g) => row(g, message, load))));
  };
  const filter = h('form', {class: 'filters', on: {submit: async (event) => {
    event.preventDefault();
    try {
      await load();
    } catch (e) {
      replace(listSlot, explain(e));
    }
  }}}, field('grants-user', 'User', user), field('grants-tool', 'Tool', tool),
  h('button', {type: 'submit'}, 'Filter'));
  replace(view, h('h1', {}, 'Grants'),
    h('p', {class: 'muted'}, 'The tools each user allowed the proxy to call for them. Revoking one asks the tool to '
      + 'revoke it too (when it can) and deletes it; the user consents again on the next call.'),
    filter, message, listSlot);
  await load();
}

function row(grant, message, reload) {
  const scopes = Array.isArray(grant.scopes) ? grant.scopes.join(' ') : grant.scopes || '';
  const revoke = h('button', {type: 'button', class: 'danger'}, 'Revoke');
  let armed = false;
  revoke.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      revoke.textContent = 'Confirm revoke';
      return;
    }
    try {
      await api.del('/admin/grants/' + enc(grant.tool) + '?user=' + enc(grant.user));
      replace(message, notice('ok', 'Revoked ' + grant.tool + ' for ' + grant.user));
      await reload();
    } catch (e) {
      replace(message, explain(e));
    }
  });
  return [grant.user, grant.provider || '', grant.tool, scopes, grant.created || '', grant.refreshed || '',
    grant.expires || '', revoke];
}
