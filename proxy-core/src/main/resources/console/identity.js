// Identity: the providers with their key status, and the form that writes one (PUT
// /admin/identity-providers/<name>), validated by the proxy exactly as `validate` does, each error at its field.
import {api, enc, ApiError, explain} from './api.js';
import {h, replace, field, fieldError, table, notice, lines} from './dom.js';
import {toYaml} from './yaml.js';

/** The form's inputs, labelled with the seed's names; errors name a field, which leads to its input. */
const FIELDS = [
  {id: 'host', label: 'Host', path: ['host'], hint: 'the Host your clients call, such as portal.yourcompany.com'},
  {id: 'issuer', label: 'Issuer', path: ['identityProvider', 'issuer'], also: ['spec.identityProvider']},
  {id: 'jwksUri', label: 'Public Keys URL (JWKS)', path: ['identityProvider', 'jwksUri']},
  {id: 'audiences', label: 'Audiences', path: ['identityProvider', 'audiences'], list: true, hint: 'one per line'},
  {id: 'userIDClaim', label: 'User ID Claim', path: ['userIDClaim'], hint: 'such as email or sub'},
  {id: 'allowedDomains', label: 'Allowed Domains', path: ['allowedDomains'], list: true,
    hint: 'one per line; leave empty to allow every domain'},
];

let presets = null;

async function loadPresets() {
  if (!presets) {
    const response = await fetch('/console/presets.json', {credentials: 'omit'});
    presets = (await response.json()).presets;
  }
  return presets;
}

function get(object, path) {
  return path.reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), object);
}

function set(object, path, value) {
  let o = object;
  for (const k of path.slice(0, -1)) {
    if (!o[k] || typeof o[k] !== 'object') o[k] = {};
    o = o[k];
  }
  if (value === undefined) delete o[path[path.length - 1]];
  else o[path[path.length - 1]] = value;
}

export async function render(view) {
  const [list] = await Promise.all([api.get('/admin/identity-providers'), loadPresets()]);
  const message = h('div', {id: 'identity-message'});
  const formSlot = h('div', {id: 'provider-form-slot'});
  const listSlot = h('div', {});
  const ctx = {message, formSlot};
  const show = (items) => replace(listSlot, items.length === 0
    ? notice('info', 'No identity provider yet: add one with + New Identity Provider.')
    : table('providers', 'Identity providers', ['Name', 'Host', 'Issuer', 'User ID claim', 'Key status', ''],
      items.map((item) => row(item, ctx))));
  ctx.refresh = async () => show((await api.get('/admin/identity-providers')).items);
  ctx.open = (resource, editing) => replace(formSlot, providerForm(ctx, resource, editing));
  replace(view,
    h('div', {class: 'page-head'},
      h('h1', {}, 'Identity providers'),
      h('button', {id: 'new-provider', type: 'button', class: 'primary',
        on: {click: () => ctx.open({name: '', spec: {}}, false)}}, '+ New Identity Provider')),
    h('p', {class: 'muted'}, 'Who may sign in: each provider vouches for the users of a host. '
      + 'Saved providers are files in the conf directory, picked up by hot reload.'),
    message, formSlot, listSlot);
  show(list.items);
}

function row(item, ctx) {
  const spec = item.spec || {};
  const status = String(item.status || '');
  const del = h('button', {type: 'button', class: 'danger'}, 'Delete');
  let armed = false;
  del.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      del.textContent = 'Confirm delete ' + item.name;
      return;
    }
    try {
      await api.del('/admin/identity-providers/' + enc(item.name));
      replace(ctx.message, notice('ok', 'identity-provider/' + item.name + ' deleted'));
      await ctx.refresh();
    } catch (e) {
      replace(ctx.message, e instanceof ApiError && e.body.errors
        ? notice('error', 'Not deleted: ', e.body.errors.map((x) => x.text).join('; ')) : explain(e));
    }
  });
  return [
    h('span', {class: 'name'}, item.name),
    spec.host || '',
    get(spec, ['identityProvider', 'issuer']) || '',
    spec.userIDClaim || '',
    h('span', {class: 'badge ' + (status.startsWith('keys loaded') ? 'pass' : 'fail')}, status),
    h('span', {class: 'actions'},
      h('button', {type: 'button', on: {click: () => ctx.open(item, true)}}, 'Edit'), del),
  ];
}

function providerForm(ctx, resource, editing) {
  // The form edits six fields; every other field of the provider (algorithms, claimHeaders, ...) is kept.
  let base = structuredClone(resource.spec || {});
  const name = h('input', {type: 'text', value: resource.name || '', disabled: editing, autocomplete: 'off',
    spellcheck: 'false'});
  const inputs = {};
  for (const f of FIELDS) {
    const value = get(base, f.path);
    inputs[f.id] = f.list
      ? h('textarea', {rows: 3, spellcheck: 'false', value: Array.isArray(value) ? value.join('\n') : ''})
      : h('input', {type: 'text', autocomplete: 'off', spellcheck: 'false', value: value || ''});
  }
  const kept = h('div', {class: 'kept'});
  const showKept = () => {
    const extra = structuredClone(base);
    for (const f of FIELDS) set(extra, f.path, undefined);
    if (extra.identityProvider && Object.keys(extra.identityProvider).length === 0) delete extra.identityProvider;
    const entries = Object.entries(extra).flatMap(([k, v]) => k === 'identityProvider'
      ? Object.entries(v).map(([k2, v2]) => ['identityProvider.' + k2, v2]) : [[k, v]]);
    replace(kept, entries.length === 0 ? null : h('p', {class: 'hint'}, 'Also kept: ',
      entries.map(([k, v]) => k + ': ' + JSON.stringify(v)).join(', ')));
  };
  showKept();
  const preset = h('select', {},
    h('option', {value: ''}, editing ? '(keep the current values)' : '(none: start empty)'),
    presets.map((p) => h('option', {value: p.id}, p.label)));
  preset.addEventListener('change', () => {
    const chosen = presets.find((p) => p.id === preset.value);
    if (!chosen) return;
    base = structuredClone(chosen.resource.spec);
    if (!editing) name.value = chosen.resource.name;
    for (const f of FIELDS) {
      const value = get(base, f.path);
      inputs[f.id].value = f.list ? (value || []).join('\n') : value || '';
    }
    showKept();
  });
  const errors = h('div', {id: 'form-errors'});
  const form = h('form', {id: 'provider-form', class: 'card', novalidate: true, on: {submit: async (event) => {
    event.preventDefault();
    await save(ctx, form, name.value.trim(), base, inputs, errors, editing);
  }}},
  h('h2', {}, editing ? 'Edit ' + resource.name : 'New identity provider'),
  field('f-preset', 'Preset', preset, 'fills in a common configuration; replace the placeholders with yours'),
  field('f-name', 'Name', name, 'lower case letters, digits and dashes; the file is identity-providers/<name>.yaml'),
  FIELDS.map((f) => field('f-' + f.id, f.label, inputs[f.id], f.hint)),
  kept, errors,
  h('div', {class: 'buttons'},
    h('button', {id: 'save-provider', type: 'submit', class: 'primary'}, 'Save'),
    h('button', {type: 'button', on: {click: () => replace(ctx.formSlot)}}, 'Cancel')));
  queueMicrotask(() => (editing ? inputs.host : preset).focus());
  return form;
}

async function save(ctx, form, name, base, inputs, errors, editing) {
  const spec = structuredClone(base);
  for (const f of FIELDS) {
    const text = inputs[f.id].value;
    const value = f.list ? lines(text) : text.trim();
    set(spec, f.path, (f.list ? value.length : value) ? value : undefined);
  }
  for (const id of ['f-name', ...FIELDS.map((f) => 'f-' + f.id)]) fieldError(id, '');
  replace(errors);
  if (!name) {
    fieldError('f-name', 'missing (expected: a name such as corp-sso)');
    return;
  }
  try {
    const answer = await api.put('/admin/identity-providers/' + enc(name), toYaml({name, spec}));
    replace(ctx.formSlot);
    replace(ctx.message, notice('ok', answer.resource + ' ' + answer.result));
    await ctx.refresh();
  } catch (e) {
    if (!(e instanceof ApiError) || !e.body) {
      replace(errors, explain(e));
      return;
    }
    const unplaced = [];
    for (const error of e.body.errors || []) {
      const target = placeOf(error.field || '');
      if (target) fieldError(target, error.message);
      else unplaced.push(error.text || error.message);
    }
    if (!e.body.errors) unplaced.push(e.message);
    replace(errors, notice('error', 'Not saved: nothing was written.'),
      unplaced.length ? h('ul', {class: 'errors'}, unplaced.map((t) => h('li', {}, t))) : null);
    const first = form.querySelector('[aria-invalid="true"]');
    if (first) first.focus();
  }
}

/** The input an error's field belongs to: spec.allowedDomains[1] belongs to Allowed Domains. */
function placeOf(fieldName) {
  if (fieldName === 'name') return 'f-name';
  for (const f of FIELDS) {
    const own = 'spec.' + f.path.join('.');
    if (fieldName === own || fieldName.startsWith(own + '[') || (f.also || []).includes(fieldName)) {
      return 'f-' + f.id;
    }
  }
  return null;
}
