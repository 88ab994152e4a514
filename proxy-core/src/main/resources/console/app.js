// The console's shell: sign-in when the admin API asks for a token, the sidebar's routes, the server line.
import {api, ApiError, adminToken, setAdminToken, explain} from './api.js';
import {h, replace, notice, field} from './dom.js';
import * as identity from './identity.js';
import * as agents from './agents.js';
import * as catalog from './catalog.js';
import * as token from './token.js';
import * as grants from './grants.js';
import * as activity from './activity.js';

const ROUTES = {
  identity: identity.render,
  agents: agents.render,
  tools: catalog.renderTools,
  policies: catalog.renderPolicies,
  token: token.render,
  grants: grants.render,
  activity: activity.render,
};

const view = document.getElementById('view');
let leave = null; // what the page on screen stops when another is shown (timers)

function route() {
  const name = (location.hash.match(/^#\/([a-z]+)/) || [])[1];
  return ROUTES[name] ? name : 'identity';
}

async function show() {
  if (leave) leave();
  leave = null;
  const name = route();
  for (const link of document.querySelectorAll('.sidebar a')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  replace(view, h('p', {class: 'muted'}, 'Loading…'));
  try {
    leave = (await ROUTES[name](view)) || null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      signIn(adminToken() ? 'The admin token was not accepted. Check RUNAGENTS_ADMIN_TOKEN and try again.' : null);
      return;
    }
    replace(view, h('h1', {}, 'Something went wrong'), explain(e));
  }
  const heading = view.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    if (document.activeElement === document.body) heading.focus();
  }
}

/** Asks for RUNAGENTS_ADMIN_TOKEN; nothing else is shown until the API accepts it. */
function signIn(message) {
  document.body.classList.add('signed-out');
  const input = h('input', {type: 'password', autocomplete: 'off', spellcheck: 'false', required: true});
  const form = h('form', {id: 'sign-in', class: 'card narrow', on: {submit: async (event) => {
    event.preventDefault();
    setAdminToken(input.value.trim());
    await start();
  }}},
  h('h1', {}, 'Admin token'),
  h('p', {}, 'This proxy requires its admin token (RUNAGENTS_ADMIN_TOKEN). It is kept in this tab only and sent as a bearer token.'),
  message ? notice('error', message) : null,
  field('admin-token', 'Admin token', input),
  h('button', {type: 'submit', class: 'primary'}, 'Sign in'));
  replace(view, form);
  replace(document.getElementById('server-status'));
  input.focus();
}

async function start() {
  let config;
  try {
    config = await api.get('/admin/config');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      signIn(adminToken() ? 'The admin token was not accepted. Check RUNAGENTS_ADMIN_TOKEN and try again.' : null);
      return;
    }
    document.body.classList.add('signed-out');
    replace(view, h('h1', {}, 'The admin API is not available'), explain(e));
    return;
  }
  document.body.classList.remove('signed-out');
  document.getElementById('sign-out').hidden = !adminToken();
  const reload = config.lastReload || {};
  replace(document.getElementById('server-status'), 'config version ' + config.version
    + (reload.result ? ' · last reload: ' + reload.result : ''));
  await show();
}

document.getElementById('sign-out').addEventListener('click', () => {
  setAdminToken(null);
  location.reload();
});
window.addEventListener('hashchange', () => {
  if (!document.body.classList.contains('signed-out')) show();
});
start();
