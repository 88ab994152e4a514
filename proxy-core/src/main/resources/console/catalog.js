// Tools and policies: listed, each shown as its YAML; `policies test` as a form.
import {api, enc, ApiError, explain} from './api.js';
import {h, replace, field, table, notice, lines} from './dom.js';

async function listing(view, kind, title, intro, summary) {
  const list = await api.get('/admin/' + kind);
  const shown = h('div', {id: kind + '-shown'});
  const rows = list.items.map((item) => [h('span', {class: 'name'}, item.name), summary(item.spec || {}),
    h('button', {type: 'button', on: {click: async () => {
      try {
        const yaml = await api.yaml('/admin/' + kind + '/' + enc(item.name));
        replace(shown, h('section', {class: 'card'}, h('h2', {}, item.name),
          h('pre', {class: 'yaml', tabindex: '0'}, yaml)));
      } catch (e) {
        replace(shown, explain(e));
      }
    }}}, 'Show')]);
  replace(view, h('h1', {}, title), h('p', {class: 'muted'}, intro),
    rows.length === 0 ? notice('info', 'None yet: add them with bin/runagents ' + kind + ' apply -f FILE.')
      : table(kind, title, ['Name', 'Summary', ''], rows),
    shown);
  return list.items;
}

export async function renderTools(view) {
  await listing(view, 'tools', 'Tools', 'The APIs agents call through the egress.',
    (spec) => [spec.baseUrl, spec.auth && spec.auth.type ? 'auth: ' + spec.auth.type : null]
      .filter(Boolean).join(' · '));
}

export async function renderPolicies(view) {
  const [, tools, agents] = await Promise.all([
    listing(view, 'policies', 'Policies', 'Who may do what on a tool or an agent, rule by rule.',
      (spec) => {
        const target = spec.target || {};
        const rules = (spec.rules || []).length;
        return (target.tool ? 'tool ' + target.tool : 'agent ' + target.agent) + ' · ' + rules + ' rule(s)';
      }),
    api.get('/admin/tools'), api.get('/admin/agents')]);
  view.append(testForm(tools.items.map((t) => t.name), agents.items.map((a) => a.name)));
}

function testForm(tools, agents) {
  const user = h('input', {type: 'text', autocomplete: 'off', required: true});
  const email = h('input', {type: 'text', autocomplete: 'off'});
  const groups = h('textarea', {rows: 2});
  const kind = h('select', {}, h('option', {value: 'tool'}, 'Tool'), h('option', {value: 'agent'}, 'Agent'));
  const target = h('select', {});
  const fill = () => replace(target, (kind.value === 'tool' ? tools : agents).map((n) => h('option', {value: n}, n)));
  kind.addEventListener('change', fill);
  fill();
  const method = h('input', {type: 'text', value: 'GET', autocomplete: 'off'});
  const path = h('input', {type: 'text', value: '/', autocomplete: 'off'});
  const result = h('div', {id: 'policy-result', 'aria-live': 'polite'});
  const form = h('form', {id: 'policy-test', class: 'card', on: {submit: async (event) => {
    event.preventDefault();
    const body = {user: user.value.trim(), email: email.value.trim() || null, groups: lines(groups.value),
      method: method.value.trim(), path: path.value.trim(), [kind.value]: target.value};
    try {
      replace(result, explanation(await api.post('/admin/policy-test', body)));
    } catch (e) {
      replace(result, e instanceof ApiError ? notice('error', e.message) : explain(e));
    }
  }}},
  h('h2', {}, 'Test the policies'),
  h('p', {class: 'muted'}, 'What the policies decide for a request, rule by rule; nothing is sent.'),
  h('div', {class: 'grid'},
    field('pt-user', 'User ID', user), field('pt-email', 'Email', email, 'default: the user ID when it is one'),
    field('pt-groups', 'Groups', groups, 'one per line'), field('pt-kind', 'Target', kind),
    field('pt-target', 'Name', target), field('pt-method', 'Method', method), field('pt-path', 'Path', path)),
  h('button', {type: 'submit', class: 'primary'}, 'Test'), result);
  return form;
}

function explanation(answer) {
  return h('div', {class: 'explanation'},
    h('p', {class: 'verdict ' + (answer.allowed ? 'pass' : 'fail'), id: 'policy-verdict'}, answer.verdict),
    answer.rules.length === 0 ? null : h('ul', {class: 'checks'}, answer.rules.map((r) => h('li', {},
      h('span', {class: 'badge ' + (r.matches ? 'pass' : 'skip')}, r.matches ? 'matches' : 'no match'), ' ',
      r.policy + '#' + r.index + ' ' + r.effect, r.matches ? '' : ': ' + r.mismatch))));
}
