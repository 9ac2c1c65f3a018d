// dom.js - building the page without HTML strings: h() makes an element from
// a tag, attributes and children (text is always a text node, so data from
// the API can never become markup), svg() the same in the SVG namespace.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'on') {
        for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      } else if (k === 'class') {
        el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
      } else if (k === 'text') {
        el.textContent = v;
      } else if (k === 'value' && 'value' in el && el.namespaceURI !== SVG_NS) {
        el.value = v;
      } else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'open') {
        el[k] = !!v;
        if (v && k !== 'checked' && k !== 'selected') el.setAttribute(k, '');
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

/** Append @children (nodes, strings, numbers, arrays, null) to @el. */
export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

/** An HTML element: h('a', {href: '/x', class: 'btn'}, 'text', child...). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Remove every child of @el, then append @children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let uid = 0;
/** A page-unique id for label/aria links. */
export function nextId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}
