// gongwen serve: the index and the document page. Every value from the server is put
// into the page as text (textContent, attributes), never as HTML.
"use strict";

const data = JSON.parse(document.getElementById("gongwen-data").textContent);
const ui = data.ui;

function el(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function json(url, options) {
  const response = await fetch(url, Object.assign({ credentials: "same-origin" }, options));
  let body = null;
  try { body = await response.json(); } catch (_) { body = null; }
  return { ok: response.ok, status: response.status, body };
}

function errorText(result) {
  const e = result.body && result.body.error;
  return e ? e.message + (e.hint ? "（" + e.hint + "）" : "") : ui.failed + " (" + result.status + ")";
}

function docUrl(path) {
  return path.split("/").map(encodeURIComponent).join("/");
}

function live(onChange) {
  const source = new EventSource("/events");
  source.addEventListener("site", (event) => onChange(JSON.parse(event.data).changed || []));
}

// ---- The index ----

function stateText(d) {
  if (d.errors) return ui.error_count.replace("{n}", d.errors);
  if (d.warnings) return ui.warning_count.replace("{n}", d.warnings);
  return ui.valid;
}

function applyFilter() {
  const words = document.getElementById("filter").value.trim().toLowerCase();
  const state = document.getElementById("state-filter").value;
  let shown = 0;
  for (const row of document.querySelectorAll("#documents tbody tr")) {
    const match = (!words || row.textContent.toLowerCase().includes(words)) && (!state || row.dataset.state === state);
    row.hidden = !match;
    if (match) shown += 1;
  }
  document.getElementById("no-match").hidden = shown > 0;
}

async function reloadIndex() {
  const result = await json("/api/v1/documents");
  if (!result.ok) return;
  const body = document.querySelector("#documents tbody");
  body.replaceChildren();
  for (const d of result.body.documents) {
    const row = el("tr", { "data-state": d.state, "data-path": d.path });
    const title = el("td");
    title.append(el("a", { href: "/doc/" + docUrl(d.path) }, d.title));
    const file = el("td");
    file.append(el("code", {}, d.path));
    row.append(title, el("td", {}, d.kind_label || "—"), file, el("td", { class: "state " + d.state }, stateText(d)));
    body.append(row);
  }
  applyFilter();
}

function index() {
  document.getElementById("filter").addEventListener("input", applyFilter);
  document.getElementById("state-filter").addEventListener("change", applyFilter);
  const created = (form, result) => {
    if (result.ok) location.href = "/doc/" + docUrl(result.body.path);
    else form.querySelector(".message").textContent = errorText(result);
  };
  const newForm = document.getElementById("new-form");
  newForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = JSON.stringify({ kind: newForm.kind.value, name: newForm.name.value });
    created(newForm, await json("/api/v1/documents", { method: "POST", headers: { "Content-Type": "application/json" }, body }));
  });
  const importForm = document.getElementById("import-form");
  importForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = importForm.file.files[0];
    const params = new URLSearchParams({ name: importForm.name.value, kind: importForm.kind.value });
    let body = importForm.text.value;
    if (file) { body = file; params.set("source", file.name); }
    created(importForm, await json("/api/v1/import?" + params, { method: "POST", body }));
  });
  live(reloadIndex);
}

// ---- The document page ----

const state = { sourceHash: null, saved: "", version: null, problems: [], schema: null, kind: null };

function lineCount(text) {
  return text.split("\n").length;
}

function drawGutter() {
  const gutter = document.getElementById("gutter");
  const marks = new Map();
  for (const p of state.problems) {
    if (!p.line) continue;
    const known = marks.get(p.line);
    if (!known || p.severity === "error") marks.set(p.line, p);
  }
  gutter.replaceChildren();
  const count = lineCount(document.getElementById("source").value);
  for (let n = 1; n <= count; n++) {
    const mark = marks.get(n);
    const line = el("div", mark ? { class: mark.severity, title: mark.message, "data-line": n } : { "data-line": n }, String(n));
    gutter.append(line);
  }
  gutter.scrollTop = document.getElementById("source").scrollTop;
}

function goToLine(line, column) {
  const source = document.getElementById("source");
  const lines = source.value.split("\n");
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset += Math.max(0, (column || 1) - 1);
  source.focus();
  source.setSelectionRange(offset, offset);
  const lineHeight = parseFloat(getComputedStyle(source).lineHeight) || 20;
  source.scrollTop = Math.max(0, (line - 5) * lineHeight);
}

function drawProblems(doc) {
  const section = document.getElementById("problems");
  section.replaceChildren();
  const list = el("ul");
  for (const p of state.problems) {
    const item = el("li", { class: p.severity, "data-line": p.line || "" });
    item.append(el("pre", {}, p.text));
    if (p.line) item.addEventListener("click", () => goToLine(p.line, p.column));
    list.append(item);
  }
  section.append(el("h2", {}, state.problems.length ? ui.problems : ui.no_problems));
  section.append(list);
  const badge = document.getElementById("state");
  badge.className = "state " + (doc ? (doc.errors ? "errors" : doc.warnings ? "warnings" : "valid") : "");
  badge.textContent = doc ? stateText(doc) : "";
}

function drawOutputs(doc) {
  const downloads = document.getElementById("downloads");
  downloads.replaceChildren();
  for (const output of (doc && doc.outputs) || []) {
    downloads.append(el("a", { href: "/out/" + encodeURIComponent(output.name) + "?v=" + output.hash.slice(0, 12), download: output.name, "data-format": output.format }, output.format + "：" + output.name));
  }
  const pages = document.getElementById("pages");
  pages.replaceChildren();
  const names = (doc && doc.pages) || [];
  if (!names.length) pages.append(el("p", { id: "no-pages" }, ui.no_pages));
  names.forEach((name, i) => {
    pages.append(el("img", { src: "/out/" + encodeURIComponent(name) + "?v=" + doc.version, alt: ui.page.replace("{n}", i + 1), class: "page" }));
  });
}

async function loadDocument(replaceText) {
  const result = await json("/api/v1/documents/" + docUrl(data.path));
  if (!result.ok) { document.getElementById("status").textContent = errorText(result); return; }
  const doc = result.body.document;
  const source = document.getElementById("source");
  const edited = source.value !== state.saved;
  if (replaceText || !edited) {
    source.value = result.body.source;
    state.saved = result.body.source;
    state.sourceHash = result.body.source_hash;
  } else if (result.body.source_hash !== state.sourceHash && result.body.source !== state.saved) {
    document.getElementById("status").textContent = ui.changed_outside;
  }
  state.problems = (doc && doc.problems) || [];
  state.kind = doc && doc.kind;
  if (doc) document.getElementById("title").textContent = doc.title;
  drawProblems(doc);
  drawOutputs(doc);
  drawGutter();
  const changed = state.version !== null && doc && state.version !== doc.version;
  state.version = doc ? doc.version : null;
  document.body.dataset.version = state.version || "";
  if (changed) document.getElementById("status").textContent = ui.built;
}

async function save() {
  const source = document.getElementById("source");
  const text = source.value;
  const status = document.getElementById("status");
  const result = await json("/api/v1/documents/" + docUrl(data.path), {
    method: "PUT",
    headers: { "If-Match": '"' + state.sourceHash + '"', "Content-Type": "text/plain; charset=utf-8" },
    body: text,
  });
  if (result.ok) {
    state.sourceHash = result.body.source_hash;
    state.saved = text;
    status.textContent = ui.saved;
  } else {
    status.textContent = errorText(result);
  }
  document.body.dataset.saved = String(result.status);
}

// The schema's help for the key under the cursor: the keys above it with less indent
// (or the list item it is in) make its path.
function keyAt(line) {
  const m = /^(\s*)((?:-\s+)*)([^\s#:'"][^:#]*?)\s*:(\s|$)/.exec(line);
  if (!m) return null;
  return { key: m[3], column: m[1].length + m[2].length, dash: m[2] ? m[1].length : null };
}

function keyPath(lines, index) {
  const start = keyAt(lines[index]);
  if (!start) return [];
  const path = [start.key];
  let column = start.dash === null ? start.column : start.dash;
  let inItem = start.dash !== null;
  for (let i = index - 1; i >= 0 && column > 0; i--) {
    const k = keyAt(lines[i]);
    if (!k) continue;
    if (k.dash !== null && k.column === column && !inItem) { column = k.dash; inItem = true; continue; }
    if (k.column < column || (inItem && k.column === column && k.dash === null)) {
      path.unshift(k.key);
      column = k.dash === null ? k.column : k.dash;
      inItem = k.dash !== null;
    }
  }
  return path;
}

function resolve(node) {
  const schema = state.schema;
  for (let guard = 0; node && guard < 10; guard++) {
    if (node.$ref) { node = schema.definitions[node.$ref.split("/").pop()]; continue; }
    if (node.anyOf) { node = node.anyOf.find((n) => n.$ref || n.properties || n.items) || node.anyOf[0]; continue; }
    if (node.items && !node.properties) { node = node.items; continue; }
    return node;
  }
  return node;
}

function help() {
  const box = document.getElementById("help");
  if (!state.schema) return;
  const source = document.getElementById("source");
  const before = source.value.slice(0, source.selectionStart);
  const lines = source.value.split("\n");
  const path = keyPath(lines, before.split("\n").length - 1);
  if (!path.length) { box.replaceChildren(); return; }
  const schema = state.schema;
  const rule = (schema.allOf || []).find((r) => r.if.properties.kind.const === state.kind);
  let node = rule ? rule.then : schema;
  let description = null;
  for (const key of path) {
    const resolved = resolve(node);
    const property = resolved && resolved.properties && (resolved.properties[key] || (schema.properties || {})[key]);
    if (!property) { description = null; break; }
    description = property.description || (resolve(property) || {}).description || "";
    node = property;
  }
  box.replaceChildren();
  if (description !== null) {
    box.append(el("code", {}, path.join(".")), document.createTextNode("：" + description));
  }
}

function documentPage() {
  const source = document.getElementById("source");
  source.addEventListener("input", () => {
    drawGutter();
    document.getElementById("status").textContent = source.value !== state.saved ? ui.unsaved : "";
  });
  source.addEventListener("scroll", () => { document.getElementById("gutter").scrollTop = source.scrollTop; });
  for (const event of ["click", "keyup", "input", "focus"]) source.addEventListener(event, help);
  document.addEventListener("selectionchange", () => { if (document.activeElement === source) help(); });
  source.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") { event.preventDefault(); save(); }
  });
  document.getElementById("save").addEventListener("click", save);
  json("/api/v1/schema").then((result) => { if (result.ok) state.schema = result.body; });
  loadDocument(true);
  live((changed) => {
    if (changed.includes(data.path) || changed.includes("*")) loadDocument(false);
  });
}

if (data.page === "index") index();
if (data.page === "document") documentPage();
