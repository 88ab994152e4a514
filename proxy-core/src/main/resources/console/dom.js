// Building the page: every value goes in as text (textContent, setAttribute), never as HTML, and no element
// gets an inline handler or style, so the Content-Security-Policy can forbid both.

const FORBIDDEN = /^(on|style$|innerhtml$|outerhtml$|srcdoc$)/i;

/** An element: h('td', {class: 'x'}, 'text', otherNode). Props: class, text, on: {event: fn}, attributes. */
export function h(tag, props = {}, ...children) {
  return build(document.createElement(tag), props, children);
}

/** An SVG element, for the activity chart. */
export function svg(tag, props = {}, ...children) {
  return build(document.createElementNS('http://www.w3.org/2000/svg', tag), props, children);
}

function build(el, props, children) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'on') {
      for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
    } else if (key === 'text') {
      el.textContent = String(value);
    } else if (key === 'class') {
      el.setAttribute('class', value);
    } else if (FORBIDDEN.test(key)) {
      throw new Error('not allowed on an element: ' + key);
    } else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'disabled') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything in el with the children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A labelled form field: the label, the control, and a place for its error message. */
export function field(id, label, control, hint) {
  control.id = id;
  const error = h('p', {class: 'field-error', id: id + '-error', role: 'alert'});
  control.setAttribute('aria-describedby', id + '-error' + (hint ? ' ' + id + '-hint' : ''));
  return h('div', {class: 'field'},
    h('label', {for: id}, label),
    hint ? h('p', {class: 'hint', id: id + '-hint'}, hint) : null,
    control, error);
}

/** Shows (or clears, with an empty message) the error of the field made by field(id, ...). */
export function fieldError(id, message) {
  const error = document.getElementById(id + '-error');
  const control = document.getElementById(id);
  if (error) error.textContent = message || '';
  if (control) control.setAttribute('aria-invalid', message ? 'true' : 'false');
}

/** A table with a header row; rows are arrays of cells (strings or nodes). */
export function table(id, caption, headers, rows) {
  return h('div', {class: 'table-wrap'},
    h('table', {id},
      h('caption', {class: 'visually-hidden'}, caption),
      h('thead', {}, h('tr', {}, headers.map((name) => h('th', {scope: 'col'}, name)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c)))))));
}

/** A status message at the top of a page; kind is 'ok', 'error' or 'info'. */
export function notice(kind, ...text) {
  return h('p', {class: 'notice ' + kind, role: kind === 'error' ? 'alert' : 'status'}, ...text);
}

/** One value per line, empty lines dropped. */
export function lines(text) {
  return text.split('\n').map((s) => s.trim()).filter((s) => s.length > 0);
}
