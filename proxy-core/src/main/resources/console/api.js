// The admin API, from the console's own origin. With RUNAGENTS_ADMIN_TOKEN set, the token lives in this tab's
// session storage and goes out as a bearer token: no cookie, so no other site can make the browser send it.

import {notice} from './dom.js';

const TOKEN_KEY = 'runagents.adminToken';

/** An answer other than 2xx: its status and the proxy's error document. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error_description ? body.error_description : 'HTTP ' + status);
    this.status = status;
    this.body = body || {};
  }
}

export function adminToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setAdminToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

async function call(method, path, {body, type, accept} = {}) {
  const headers = {Accept: accept || 'application/json'};
  const token = adminToken();
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = type || 'application/json';
  const response = await fetch(path, {method, headers, body, credentials: 'omit', cache: 'no-store',
    redirect: 'error'});
  const text = await response.text();
  const json = (response.headers.get('Content-Type') || '').startsWith('application/json');
  let parsed = text;
  if (json) {
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      parsed = {};
    }
  }
  if (!response.ok) throw new ApiError(response.status, json ? parsed : {error_description: text});
  return parsed;
}

export const api = {
  get: (path) => call('GET', path),
  yaml: (path) => call('GET', path, {accept: 'application/yaml'}),
  post: (path, object) => call('POST', path, {body: JSON.stringify(object)}),
  put: (path, yaml) => call('PUT', path, {body: yaml, type: 'application/yaml'}),
  del: (path) => call('DELETE', path),
};

/** A path segment or query value, encoded. */
export const enc = encodeURIComponent;

/** A failed call as a notice, said as the operator needs it. */
export function explain(e) {
  if (e instanceof ApiError && e.status === 403) return notice('error', 'The admin API refused: ', e.message);
  return notice('error', e instanceof ApiError ? e.message : 'Cannot reach the admin API: ' + e.message);
}
