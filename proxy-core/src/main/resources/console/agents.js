// Agents: where each is, where it goes, and who may reach it. Switching one to Authenticated offers the
// registered identity providers (the only one is chosen when there is one); Save writes the agent's YAML.
import {api, enc, ApiError, explain} from './api.js';
import {h, replace, table, notice} from './dom.js';
import {toYaml} from './yaml.js';

const BY_HOST = ''; // no provider named: the ingress picks one by the request's host

export async function render(view) {
  const [agents, providers] = await Promise.all([api.get('/admin/agents'), api.get('/admin/identity-providers')]);
  const names = providers.items.map((p) => p.name);
  const message = h('div', {id: 'agents-message'});
  replace(view,
    h('h1', {}, 'Agents'),
    h('p', {class: 'muted'}, 'The agent runtimes behind the ingress. Open agents take anyone; authenticated ones '
      + 'need a token from an identity provider and receive the user as X-End-User-ID.'),
    message,
    agents.items.length === 0 ? notice('info', 'No agent yet: add one with bin/runagents agents apply -f FILE.')
      : table('agents', 'Agents', ['Name', 'Host', 'Path', 'Upstream', 'Access', 'Identity provider', ''],
        agents.items.map((agent) => row(agent, names, message))));
}

function row(agent, providers, message) {
  const spec = agent.spec || {};
  const id = 'agent-' + agent.name;
  const access = h('select', {id: id + '-access', 'aria-label': 'Access of ' + agent.name},
    h('option', {value: 'open'}, 'Open'),
    h('option', {value: 'authenticated'}, 'Authenticated'));
  access.value = spec.access === 'open' ? 'open' : 'authenticated';
  const provider = h('select', {id: id + '-provider', 'aria-label': 'Identity provider of ' + agent.name},
    h('option', {value: BY_HOST}, '(by host)'),
    providers.map((name) => h('option', {value: name}, name)));
  provider.value = spec.identityProvider && providers.includes(spec.identityProvider)
    ? spec.identityProvider : BY_HOST;
  const providerCell = h('span', {}, provider);
  const showProvider = () => {
    providerCell.hidden = access.value !== 'authenticated';
  };
  access.addEventListener('change', () => {
    if (access.value === 'authenticated' && provider.value === BY_HOST && providers.length === 1) {
      provider.value = providers[0]; // the seed's deploy step: the only provider there is
    }
    showProvider();
  });
  showProvider();
  const save = h('button', {type: 'button', class: 'primary', id: id + '-save'}, 'Save');
  save.addEventListener('click', async () => {
    const next = structuredClone(spec);
    next.access = access.value;
    if (access.value === 'authenticated' && provider.value !== BY_HOST) next.identityProvider = provider.value;
    else delete next.identityProvider;
    try {
      const answer = await api.put('/admin/agents/' + enc(agent.name), toYaml({name: agent.name, spec: next}));
      Object.assign(spec, next);
      if (!next.identityProvider) delete spec.identityProvider;
      replace(message, notice('ok', answer.resource + ' ' + answer.result));
    } catch (e) {
      replace(message, e instanceof ApiError && e.body.errors
        ? notice('error', 'Not saved: ', e.body.errors.map((x) => x.text).join('; ')) : explain(e));
    }
  });
  const upstreams = spec.upstream ? [spec.upstream] : spec.upstreams || [];
  return [h('span', {class: 'name'}, agent.name), spec.host || '(any)', spec.pathPrefix || '/',
    upstreams.join(', '), access, providerCell, save];
}
