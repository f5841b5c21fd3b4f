// The search page: reads its state from the URL (the API's parameter names),
// asks the API, and draws hits, facets and articles. Article text is always
// inserted as text nodes (textContent, createTextNode), never as HTML.
"use strict";

const PAGE_SIZE = 10;
const COMPANY_LIST = 300;
const DEBOUNCE_MS = 200;

const $ = (id) => document.getElementById(id);

/** The page's state: what the URL says. */
function readState() {
  const p = new URLSearchParams(location.search);
  const num = (name, dflt) => {
    const n = parseInt(p.get(name) || "", 10);
    return Number.isFinite(n) && n >= 0 ? n : dflt;
  };
  return {
    q: p.get("q") || "",
    company: p.getAll("company").filter((c) => c.trim() !== ""),
    year: p.get("year") || "",
    since: p.get("since") || "",
    until: p.get("until") || "",
    sort: p.get("sort") === "date" ? "date" : "relevance",
    // Counting rule and typo tolerance, as `--match any` and `--exact`.
    match: p.get("match") === "any" ? "any" : "all",
    exact: p.get("exact") === "true",
    offset: num("offset", 0),
    limit: Math.min(num("limit", PAGE_SIZE) || PAGE_SIZE, 100),
    id: p.get("id") || "",
  };
}

/** Query-string parameters of a state; `omit` leaves some out. */
function params(state, omit = []) {
  const p = new URLSearchParams();
  const skip = new Set(omit);
  if (state.q && !skip.has("q")) p.set("q", state.q);
  if (!skip.has("company")) state.company.forEach((c) => p.append("company", c));
  if (!skip.has("dates")) {
    if (state.year) p.set("year", state.year);
    if (state.since) p.set("since", state.since);
    if (state.until) p.set("until", state.until);
  }
  if (state.sort !== "relevance" && !skip.has("sort")) p.set("sort", state.sort);
  if (state.match === "any") p.set("match", "any");
  if (state.exact) p.set("exact", "true");
  if (state.offset && !skip.has("offset")) p.set("offset", String(state.offset));
  if (state.limit !== PAGE_SIZE && !skip.has("limit")) p.set("limit", String(state.limit));
  if (state.id && !skip.has("id")) p.set("id", state.id);
  return p;
}

function pageUrl(state) {
  const s = params(state).toString();
  return s ? "/?" + s : "/";
}

let state = readState();
// True while the current history entry was made by typing: more typing
// replaces it instead of adding one per pause.
let typingEntry = false;

/** Moves to a new state: a new history entry (or the current one replaced). */
function go(next, { replace = false } = {}) {
  state = next;
  const url = pageUrl(state);
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  render();
}

window.addEventListener("popstate", () => {
  state = readState();
  typingEntry = false;
  clearTimeout(timer);
  $("q").value = state.q;
  render();
});

// Answers come back out of order; only the latest request's answer is drawn.
let generation = 0;

async function api(path) {
  const resp = await fetch(path, { headers: { Accept: "application/json" } });
  let body;
  try {
    body = await resp.json();
  } catch (_) {
    throw new Error(`${resp.status} ${resp.statusText}`);
  }
  if (!resp.ok) throw new Error(body && body.error ? body.error : `${resp.status}`);
  return body;
}

function render() {
  syncControls();
  drawChips();
  if (state.id) showArticle();
  else showResults();
}

function syncControls() {
  const box = $("q");
  // Never overwrite what is being typed.
  if (document.activeElement !== box && box.value !== state.q) box.value = state.q;
  $("sort").value = state.sort;
  document.title = state.q ? `${state.q} – search` : "search";
}

async function showResults() {
  const mine = ++generation;
  $("article").hidden = true;
  $("facets").hidden = false;
  document.querySelector(".results").hidden = false;
  const search = params({ ...state, id: "" });
  search.set("facet_limit", "0");
  const companies = params({ ...state, id: "", offset: 0 }, ["company", "sort", "offset", "limit"]);
  companies.set("field", "company");
  companies.set("limit", String(COMPANY_LIST));
  const years = params({ ...state, id: "", offset: 0 }, ["dates", "sort", "offset", "limit"]);
  years.set("field", "year");
  years.set("limit", "0");
  let answers;
  try {
    answers = await Promise.all([
      api("/api/search?" + search),
      api("/api/facets?" + companies),
      api("/api/facets?" + years),
    ]);
  } catch (e) {
    if (mine !== generation) return;
    showError(e.message);
    return;
  }
  if (mine !== generation) return;
  const [results, companyFacet, yearFacet] = answers;
  $("error").hidden = true;
  drawStatus(results);
  drawHits(results);
  drawPager(results);
  drawCompanies(companyFacet.counts);
  drawYears(yearFacet.counts);
}

function showError(message) {
  const el = $("error");
  el.textContent = message;
  el.hidden = false;
  $("status").textContent = "";
  $("hits").replaceChildren();
  $("pager").replaceChildren();
}

function plural(n, word) {
  return `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;
}

function drawStatus(r) {
  const from = r.hits.length ? `, ${r.offset + 1}–${r.offset + r.hits.length} shown` : "";
  const what = r.match === "all" && r.partial ? " with all the words" : "";
  let text = `${plural(r.total, "article")}${what}${from} · ${r.took_ms} ms`;
  if (r.warnings && r.warnings.length) text += " · " + r.warnings.join("; ");
  const status = $("status");
  status.replaceChildren(document.createTextNode(text));
  // The others the counting rule left out, one click away (as `--match any`).
  if (r.match === "all" && r.partial) {
    status.appendChild(document.createTextNode(" · "));
    status.appendChild(link(`${plural(r.partial, "more article")} with some of them`, { match: "any" }));
  }
  drawCorrections(r.corrections || []);
}

/** A link to the current state changed by `change`, followed without a reload. */
function link(text, change) {
  const next = { ...state, ...change, offset: 0, id: "" };
  const a = el("a", "", text);
  a.href = pageUrl(next);
  a.addEventListener("click", (e) => {
    e.preventDefault();
    go(next);
  });
  return a;
}

/** "Showing results for microsoft", with the way back to the words as typed. */
function drawCorrections(corrections) {
  const note = $("corrections");
  note.replaceChildren();
  note.hidden = corrections.length === 0;
  if (note.hidden) return;
  const to = corrections.map((c) => c.to).join(", ");
  const from = corrections.map((c) => c.from).join(", ");
  note.appendChild(document.createTextNode(`Showing results for ${to}. `));
  note.appendChild(link(`Search for ${from} as typed`, { exact: true }));
}

/** Appends `text` to `parent` with the `[start, end)` character ranges in <mark>. */
function appendMarked(parent, text, ranges) {
  const chars = Array.from(text); // ranges count Unicode scalar values
  let at = 0;
  for (const [start, end] of ranges || []) {
    if (start < at || end > chars.length || start >= end) continue;
    if (start > at) parent.appendChild(document.createTextNode(chars.slice(at, start).join("")));
    const mark = document.createElement("mark");
    mark.textContent = chars.slice(start, end).join("");
    parent.appendChild(mark);
    at = end;
  }
  if (at < chars.length) parent.appendChild(document.createTextNode(chars.slice(at).join("")));
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function dateText(item) {
  const inferred = item.date_source === "inferred" ? " (inferred)" : "";
  if (item.date) return item.date + inferred;
  if (item.year) return String(item.year) + inferred;
  return "date unknown";
}

function drawHits(r) {
  const list = $("hits");
  list.replaceChildren();
  list.start = r.offset + 1;
  if (!r.hits.length) {
    list.appendChild(el("li", "empty", r.total ? "No more hits on this page." : "No article matches."));
    return;
  }
  for (const hit of r.hits) {
    const li = el("li", "hit");
    li.dataset.id = hit.id;
    const title = el("a", "hit-title", hit.title || hit.path);
    title.href = pageUrl({ ...state, id: hit.id });
    title.addEventListener("click", (ev) => {
      if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
      ev.preventDefault();
      typingEntry = false;
      go({ ...state, id: hit.id });
    });
    const h = el("h3");
    h.appendChild(title);
    li.appendChild(h);
    const meta = el("p", "meta");
    meta.appendChild(el("span", "date", dateText(hit)));
    for (const c of hit.companies) {
      const tag = el("button", "company-tag", hit.detected_companies.includes(c) ? c + "?" : c);
      tag.type = "button";
      tag.title = `Only articles mentioning ${c}`;
      tag.addEventListener("click", () => toggleCompany(c, true));
      meta.appendChild(tag);
    }
    meta.appendChild(el("span", "path", hit.path));
    // Near-copies collapsed into this hit: their paths on hover.
    if (hit.similar_count) {
      const copies = el("span", "similar", `${hit.similar_count} similar`);
      copies.title = hit.similar.map((s) => s.path).join("\n");
      meta.appendChild(copies);
    }
    li.appendChild(meta);
    const snippet = el("p", "snippet");
    appendMarked(snippet, hit.snippet.text, hit.snippet.highlights);
    li.appendChild(snippet);
    list.appendChild(li);
  }
}

function drawPager(r) {
  const nav = $("pager");
  nav.replaceChildren();
  if (r.total <= state.limit) return;
  const page = Math.floor(r.offset / state.limit) + 1;
  const pages = Math.ceil(r.total / state.limit);
  const button = (label, offset, disabled) => {
    const b = el("button", "page", label);
    b.type = "button";
    b.disabled = disabled;
    b.addEventListener("click", () => {
      typingEntry = false;
      go({ ...state, offset });
      window.scrollTo(0, 0);
    });
    return b;
  };
  nav.appendChild(button("← Previous", Math.max(0, r.offset - state.limit), page <= 1));
  nav.appendChild(el("span", "page-of", `page ${page} of ${pages.toLocaleString("en")}`));
  nav.appendChild(button("Next →", r.offset + state.limit, page >= pages));
}

function toggleCompany(name, on) {
  const has = state.company.some((c) => c.toLowerCase() === name.toLowerCase());
  let company = state.company;
  if (on && !has) company = [...company, name];
  if (!on) company = company.filter((c) => c.toLowerCase() !== name.toLowerCase());
  typingEntry = false;
  go({ ...state, company, offset: 0, id: "" });
}

function drawCompanies(counts) {
  const list = $("companies");
  list.replaceChildren();
  const chosen = new Set(state.company.map((c) => c.toLowerCase()));
  const shown = counts.slice();
  // Chosen companies stay listed even when outside the top of the list.
  for (const c of state.company) {
    if (!shown.some((s) => s.value.toLowerCase() === c.toLowerCase())) shown.unshift({ value: c, count: null });
  }
  for (const { value, count } of shown) {
    const li = el("li", "company");
    li.dataset.name = value.toLowerCase();
    const label = el("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = value;
    box.checked = chosen.has(value.toLowerCase());
    box.addEventListener("change", () => toggleCompany(value, box.checked));
    label.appendChild(box);
    label.appendChild(el("span", "name", value));
    if (count !== null) label.appendChild(el("span", "count", count.toLocaleString("en")));
    li.appendChild(label);
    list.appendChild(li);
  }
  if (!shown.length) list.appendChild(el("li", "empty", "No company"));
  filterCompanies();
}

function filterCompanies() {
  const needle = $("company-filter").value.trim().toLowerCase();
  for (const li of $("companies").querySelectorAll("li.company")) {
    li.hidden = needle !== "" && !li.dataset.name.includes(needle);
  }
}

/** The year range the state selects, as numbers (null when open). */
function selectedYears() {
  if (state.year) return [Number(state.year), Number(state.year)];
  const y = (s) => (s ? Number(String(s).slice(0, 4)) : null);
  return [y(state.since), y(state.until)];
}

function drawYears(counts) {
  const box = $("years");
  box.replaceChildren();
  const known = counts.filter((c) => c.value !== "unknown").sort((a, b) => Number(a.value) - Number(b.value));
  const unknown = counts.find((c) => c.value === "unknown");
  const max = Math.max(1, ...counts.map((c) => c.count));
  const [lo, hi] = selectedYears();
  const bars = el("div", "bars");
  for (const c of known) {
    const y = Number(c.value);
    const bar = el("button", "year-bar");
    bar.type = "button";
    bar.dataset.year = c.value;
    bar.title = `${c.value}: ${plural(c.count, "article")}`;
    bar.setAttribute("aria-label", bar.title);
    const fill = el("span", "fill");
    fill.style.height = `${Math.max(4, Math.round((c.count / max) * 100))}%`;
    bar.appendChild(fill);
    bar.appendChild(el("span", "label", c.value));
    if ((lo !== null || hi !== null) && (lo === null || y >= lo) && (hi === null || y <= hi)) bar.classList.add("selected");
    bars.appendChild(bar);
  }
  box.appendChild(bars);
  if (unknown) box.appendChild(el("p", "unknown-year", `Year unknown: ${plural(unknown.count, "article")}`));
  if (!counts.length) box.appendChild(el("p", "empty", "No article"));
}

// Click a bar: that year. Drag across bars: the range from the first to the last.
let drag = null;
function barAt(x, y) {
  const e = document.elementFromPoint(x, y);
  return e ? e.closest(".year-bar") : null;
}
function markDrag() {
  if (!drag) return;
  const [a, b] = [drag.from, drag.to].sort((p, q) => p - q);
  for (const bar of $("years").querySelectorAll(".year-bar")) {
    const y = Number(bar.dataset.year);
    bar.classList.toggle("dragging", y >= a && y <= b);
  }
}
$("years").addEventListener("pointerdown", (ev) => {
  const bar = ev.target.closest(".year-bar");
  if (!bar || ev.button !== 0) return;
  ev.preventDefault();
  drag = { from: Number(bar.dataset.year), to: Number(bar.dataset.year) };
  $("years").setPointerCapture(ev.pointerId);
  markDrag();
});
$("years").addEventListener("pointermove", (ev) => {
  if (!drag) return;
  const bar = barAt(ev.clientX, ev.clientY);
  if (bar) {
    drag.to = Number(bar.dataset.year);
    markDrag();
  }
});
$("years").addEventListener("pointerup", () => {
  if (!drag) return;
  const [a, b] = [drag.from, drag.to].sort((p, q) => p - q);
  drag = null;
  typingEntry = false;
  if (a === b) go({ ...state, year: String(a), since: "", until: "", offset: 0, id: "" });
  else go({ ...state, year: "", since: String(a), until: String(b), offset: 0, id: "" });
});
$("years").addEventListener("pointercancel", () => {
  drag = null;
  markDrag();
});
// Keyboard: Enter or Space on a focused bar chooses its year.
$("years").addEventListener("keydown", (ev) => {
  const bar = ev.target.closest(".year-bar");
  if (!bar || (ev.key !== "Enter" && ev.key !== " ")) return;
  ev.preventDefault();
  typingEntry = false;
  go({ ...state, year: bar.dataset.year, since: "", until: "", offset: 0, id: "" });
});

function drawChips() {
  const box = $("chips");
  box.replaceChildren();
  const chip = (label, without) => {
    const b = el("button", "chip");
    b.type = "button";
    b.appendChild(el("span", "", label));
    b.appendChild(el("span", "x", "×"));
    b.title = `Remove ${label}`;
    b.addEventListener("click", () => {
      typingEntry = false;
      go({ ...state, ...without, offset: 0, id: "" });
    });
    box.appendChild(b);
  };
  for (const c of state.company) chip(`company: ${c}`, { company: state.company.filter((x) => x !== c) });
  if (state.year) chip(`year: ${state.year}`, { year: "" });
  if (state.since) chip(`since: ${state.since}`, { since: "" });
  if (state.until) chip(`until: ${state.until}`, { until: "" });
  box.hidden = box.childElementCount === 0;
}

async function showArticle() {
  const mine = ++generation;
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  let a;
  try {
    a = await api(`/api/articles/${encodeURIComponent(state.id)}${p.toString() ? "?" + p : ""}`);
  } catch (e) {
    if (mine !== generation) return;
    $("article").hidden = true;
    $("facets").hidden = true;
    document.querySelector(".results").hidden = false;
    showError(e.message);
    return;
  }
  if (mine !== generation) return;
  $("facets").hidden = true;
  document.querySelector(".results").hidden = true;
  const view = $("article");
  view.hidden = false;
  const title = $("article-title");
  title.replaceChildren();
  appendMarked(title, a.title || a.path, a.title_highlights);
  const meta = $("article-meta");
  meta.replaceChildren();
  meta.appendChild(el("span", "date", dateText(a)));
  for (const c of a.companies) meta.appendChild(el("span", "company-tag", a.detected_companies.includes(c) ? c + "?" : c));
  meta.appendChild(el("span", "path", a.path));
  if (a.source) meta.appendChild(el("span", "source", a.source));
  if (a.url && /^https?:\/\//i.test(a.url)) {
    const link = el("a", "url", a.url);
    link.href = a.url;
    link.rel = "noopener noreferrer";
    meta.appendChild(link);
  }
  const text = $("article-text");
  text.replaceChildren();
  appendMarked(text, a.text, a.highlights);
  $("back").href = pageUrl({ ...state, id: "" });
  document.title = `${a.title} – search`;
  window.scrollTo(0, 0);
}

$("back").addEventListener("click", (ev) => {
  if (ev.button !== 0 || ev.metaKey || ev.ctrlKey) return;
  ev.preventDefault();
  closeArticle();
});

function closeArticle() {
  typingEntry = false;
  go({ ...state, id: "" });
}

// Searching as you type (after a pause) and at once on Enter.
let timer = null;
function searchTyped() {
  clearTimeout(timer);
  const q = $("q").value;
  if (q === state.q && !state.id) return;
  const replace = typingEntry;
  typingEntry = true;
  go({ ...state, q, match: "all", exact: false, offset: 0, id: "" }, { replace });
}
$("q").addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(searchTyped, DEBOUNCE_MS);
});
$("form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  searchTyped();
  typingEntry = false;
});
$("sort").addEventListener("change", () => {
  typingEntry = false;
  go({ ...state, sort: $("sort").value, offset: 0, id: "" });
});
$("company-filter").addEventListener("input", filterCompanies);
$("home").addEventListener("click", (ev) => {
  if (ev.button !== 0 || ev.metaKey || ev.ctrlKey) return;
  ev.preventDefault();
  typingEntry = false;
  $("q").value = "";
  go({ q: "", company: [], year: "", since: "", until: "", sort: "relevance", match: "all", exact: false, offset: 0, limit: PAGE_SIZE, id: "" });
});

document.addEventListener("keydown", (ev) => {
  const typing = ev.target.closest && ev.target.closest("input, select, textarea");
  if (ev.key === "/" && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
    ev.preventDefault();
    const box = $("q");
    box.focus();
    box.select();
  } else if (ev.key === "Escape" && state.id) {
    closeArticle();
  }
});

$("q").value = state.q;
render();
