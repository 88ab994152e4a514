// Resources as YAML for PUT /admin/<kind>/<name>: block style, every string double-quoted the JSON way (a JSON
// string is a valid YAML double-quoted scalar), so no value can turn into another type or into YAML syntax.

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function scalar(value) {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(String(value));
}

function key(name) {
  return PLAIN_KEY.test(name) ? name : JSON.stringify(name);
}

function isScalar(value) {
  return value === null || typeof value !== 'object';
}

function emit(value, indent, out) {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isScalar(item)) {
        out.push(pad + '- ' + scalar(item));
      } else {
        const nested = [];
        emit(item, indent + 2, nested);
        if (nested.length === 0) {
          out.push(pad + '- {}');
        } else {
          out.push(pad + '- ' + nested[0].slice(indent + 2), ...nested.slice(1));
        }
      }
    }
    return;
  }
  for (const [name, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (isScalar(v)) {
      out.push(pad + key(name) + ': ' + scalar(v));
    } else if (Array.isArray(v) && v.length === 0) {
      out.push(pad + key(name) + ': []');
    } else if (!Array.isArray(v) && Object.keys(v).length === 0) {
      out.push(pad + key(name) + ': {}');
    } else {
      out.push(pad + key(name) + ':');
      emit(v, indent + 2, out);
    }
  }
}

/** The object (a resource: {name, spec}) as a YAML document. */
export function toYaml(object) {
  const out = [];
  emit(object, 0, out);
  return out.join('\n') + '\n';
}
