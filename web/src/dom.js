// DOM nodes built from data, never HTML text: names, sources and ids come from scenario
// files and overrides that anyone may write, so they must reach the page as text nodes and
// attribute values only (issue 13 item 8). ESLint forbids innerHTML and d3's .html() in src/.
const SVG_NS = "http://www.w3.org/2000/svg";

function apply(el, attrs) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v == null || v === false) continue;
    if (k === "class") el.setAttribute("class", Array.isArray(v) ? v.filter(Boolean).join(" ") : v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    // Through the CSSOM, which a style-src policy without 'unsafe-inline' still allows.
    else if (k === "style") for (const [p, x] of Object.entries(v)) el.style.setProperty(p, String(x));
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = String(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false || c === "") continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// h("td", {class: "p"}, "42 %") → <td class="p">42 %</td>; strings become text nodes.
export function h(tag, attrs, ...children) {
  return append(apply(document.createElement(tag), attrs), children);
}

// The same for SVG elements.
export function s(tag, attrs, ...children) {
  return append(apply(document.createElementNS(SVG_NS, tag), attrs), children);
}

// Replaces every child of el with the given nodes.
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}
