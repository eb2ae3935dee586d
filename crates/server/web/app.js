// dateline web page. Every piece of text from the API is inserted with textContent or as an
// SVG text node's content, never as HTML, so article text cannot inject markup.
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const QUAD = { 1: "#4caf50", 2: "#1b5e20", 3: "#ff9800", 4: "#c62828" };
const state = { offset: 0, limit: 50, selected: null };

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const k of kids) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

function showError(msg) {
  const e = document.getElementById("error");
  e.textContent = msg || "";
  e.hidden = !msg;
}

async function api(path, params) {
  const qs = params ? "?" + params.toString() : "";
  const r = await fetch(path + qs, { headers: { Accept: "application/json" } });
  const body = await r.json().catch(() => ({ error: r.statusText }));
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function filterParams() {
  const p = new URLSearchParams();
  for (const [k, v] of new FormData(document.getElementById("filters"))) {
    if (String(v).trim() !== "") p.set(k, String(v).trim());
  }
  if (state.dyad) p.set("dyad", state.dyad);
  return p;
}

function actorLabel(a) { return a ? a.code : "—"; }

function segmentsInto(node, segs) {
  for (const s of segs) {
    if (s.mark) {
      const m = el("mark", { class: s.mark, title: (s.mark + (s.label ? ": " + s.label : "")) });
      m.textContent = s.text;
      node.append(m);
    } else node.append(document.createTextNode(s.text));
  }
}

async function loadEvents() {
  const p = filterParams();
  p.set("limit", state.limit);
  p.set("offset", state.offset);
  const r = await api("/api/events", p);
  const tb = document.querySelector("#events tbody");
  clear(tb);
  for (const e of r.events) {
    const tr = el("tr", { "data-id": e.id, onclick: () => showEvent(e.id, tr) },
      el("td", {}, e.day || ""), el("td", { title: e.source ? (e.source.name || "") : "" }, actorLabel(e.source)),
      el("td", { class: "q" + e.quad_class, title: e.rule }, e.code), el("td", {}, actorLabel(e.target)),
      el("td", {}, Number(e.goldstein).toFixed(1)), el("td", { class: "q" + e.quad_class }, e.quad_class),
      el("td", {}, e.place ? e.place.name : ""));
    tb.append(tr);
  }
  document.getElementById("count").textContent = r.events.length
    ? `${state.offset + 1}–${state.offset + r.events.length}${r.more ? "+" : ""}` : "none match";
  document.getElementById("prev").disabled = state.offset === 0;
  document.getElementById("next").disabled = !r.more;
}

async function showEvent(id, row) {
  document.querySelectorAll("#events tr.sel").forEach(r => r.classList.remove("sel"));
  if (row) row.classList.add("sel");
  const e = await api("/api/events/" + encodeURIComponent(id));
  const d = document.getElementById("detail");
  clear(d);
  d.classList.remove("muted");
  const ev = el("p", { class: "evidence" });
  segmentsInto(ev, e.evidence);
  const meta = el("dl", { class: "meta" });
  const row2 = (k, v) => { if (v !== null && v !== undefined && v !== "") meta.append(el("dt", {}, k), el("dd", {}, v)); };
  row2("source", e.source ? `${e.source.code}${e.source.name ? " (" + e.source.name + ")" : ""}` : "");
  row2("event", `${e.code} (root ${e.root}, QuadClass ${e.quad_class}, Goldstein ${e.goldstein})`);
  row2("target", e.target ? `${e.target.code}${e.target.name ? " (" + e.target.name + ")" : ""}` : "");
  row2("date", e.date ? `${e.date}${e.date_text ? " (“" + e.date_text + "”)" : ""}` : e.day);
  row2("place", e.place ? `${e.place.name}${e.place.country ? ", " + e.place.country : ""}` : "");
  row2("rule", e.rule);
  row2("modality", e.negated ? e.modality + ", negated" : e.modality);
  const open = el("button", { type: "button", id: "open-article", onclick: () => showArticle(e.article) }, "Open article");
  d.append(ev, meta, el("div", {}, el("strong", {}, e.title || e.article), " ", open));
}

async function showArticle(id) {
  const a = await api("/api/articles/" + encodeURIComponent(id));
  const d = document.getElementById("article");
  clear(d);
  d.classList.remove("muted");
  d.append(el("h3", { class: "title" }, a.title || a.id));
  const info = [a.published, a.byline, a.source].filter(Boolean).join(" · ");
  if (info) d.append(el("div", { class: "muted" }, info));
  if (a.url) d.append(el("div", { class: "muted url" }, a.url));
  d.append(el("div", { class: "legend" }, el("mark", { class: "actor" }, "actor"), " ", el("mark", { class: "time" }, "date"), " ",
    el("mark", { class: "place" }, "place"), ` · ${a.events.length} events`));
  const t = el("div", { class: "text" });
  segmentsInto(t, a.segments);
  d.append(t);
}

async function loadTimeline() {
  const r = await api("/api/series", (() => { const p = filterParams(); p.set("by", "day"); return p; })());
  const g = document.getElementById("timeline");
  clear(g);
  const days = [...new Set(r.series.map(s => s.period).filter(Boolean))].sort();
  if (!days.length) { g.append(svg("text", { x: 10, y: 20 }, "no dated events")); return; }
  const byDay = new Map(days.map(d => [d, { 1: 0, 2: 0, 3: 0, 4: 0 }]));
  for (const s of r.series) if (byDay.has(s.period)) byDay.get(s.period)[s.quad_class] = s.count;
  const max = Math.max(...days.map(d => Object.values(byDay.get(d)).reduce((a, b) => a + b, 0)));
  const W = 700, H = 140, x0 = 10, bw = Math.max(1, Math.min(24, W / days.length));
  days.forEach((d, i) => {
    let y = H;
    for (const q of [1, 2, 3, 4]) {
      const n = byDay.get(d)[q];
      if (!n) continue;
      const h = (n / max) * (H - 10);
      y -= h;
      const r2 = svg("rect", { x: x0 + i * bw, y, width: Math.max(1, bw - 1), height: h, fill: QUAD[q] });
      r2.append(svg("title", {}, `${d} QuadClass ${q}: ${n}`));
      g.append(r2);
    }
  });
  g.append(svg("text", { x: x0, y: H + 14 }, days[0]));
  g.append(svg("text", { x: x0 + W, y: H + 14, "text-anchor": "end" }, days[days.length - 1]));
  g.append(svg("text", { x: x0, y: 10 }, `max ${max}/day`));
  [1, 2, 3, 4].forEach((q, i) => {
    g.append(svg("rect", { x: 250 + i * 110, y: H + 20, width: 10, height: 10, fill: QUAD[q] }));
    g.append(svg("text", { x: 264 + i * 110, y: H + 29 }, ["verbal coop.", "material coop.", "verbal conflict", "material conflict"][i]));
  });
}

function goldsteinColour(g) {
  const t = Math.max(-1, Math.min(1, g / 10));
  if (t >= 0) return `rgb(${Math.round(120 - 90 * t)},${Math.round(120 + 60 * t)},${Math.round(120 - 70 * t)})`;
  return `rgb(${Math.round(120 - 110 * t)},${Math.round(120 + 80 * t)},${Math.round(120 + 80 * t)})`;
}

async function loadNetwork() {
  const p = filterParams();
  p.delete("dyad");
  p.set("limit", "40");
  const r = await api("/api/dyads", p);
  const g = document.getElementById("network");
  clear(g);
  const codes = [...new Set(r.dyads.flatMap(d => [d.source, d.target]))];
  if (!codes.length) { g.append(svg("text", { x: 10, y: 20 }, "no dyads")); return; }
  const cx = 260, cy = 205, R = 160, pos = new Map();
  codes.forEach((c, i) => { const a = 2 * Math.PI * i / codes.length - Math.PI / 2; pos.set(c, [cx + R * Math.cos(a), cy + R * Math.sin(a)]); });
  const maxN = Math.max(...r.dyads.map(d => d.count));
  for (const d of r.dyads) {
    const [x1, y1] = pos.get(d.source), [x2, y2] = pos.get(d.target);
    const line = svg("line", { x1, y1, x2, y2, class: "edge", stroke: goldsteinColour(d.goldstein),
      "stroke-width": 1 + 7 * Math.sqrt(d.count / maxN), "stroke-opacity": 0.75 });
    line.append(svg("title", {}, `${d.source} → ${d.target}: ${d.count} events, mean Goldstein ${d.goldstein}`));
    line.addEventListener("click", () => { state.dyad = d.source + "," + d.target; state.offset = 0; refresh(); });
    g.append(line);
  }
  for (const c of codes) {
    const [x, y] = pos.get(c);
    g.append(svg("circle", { cx: x, cy: y, r: 4, class: "node" }));
    const out = x >= cx;
    g.append(svg("text", { x: x + (out ? 7 : -7), y: y + 4, "text-anchor": out ? "start" : "end" }, c));
  }
  if (state.dyad) g.append(svg("text", { x: 5, y: 412 }, `dyad filter: ${state.dyad} (Reset clears)`));
}

async function loadMap() {
  const p = filterParams();
  p.set("limit", "1000");
  const r = await api("/api/places", p);
  const g = document.getElementById("map");
  clear(g);
  const X = lon => (lon + 180) * 2, Y = lat => (90 - lat) * 2;
  g.append(svg("rect", { x: 0, y: 0, width: 720, height: 360, class: "sea" }));
  for (const poly of (window.WORLD || [])) {
    g.append(svg("polygon", { class: "land", points: poly.map(([lo, la]) => `${X(lo).toFixed(1)},${Y(la).toFixed(1)}`).join(" ") }));
  }
  const maxN = Math.max(1, ...r.places.map(p => p.count));
  for (const pl of r.places) {
    const c = svg("circle", { cx: X(pl.lon), cy: Y(pl.lat), r: 2 + 10 * Math.sqrt(pl.count / maxN), class: "dot" });
    c.append(svg("title", {}, `${pl.name}${pl.country ? " (" + pl.country + ")" : ""}: ${pl.count} events, mean Goldstein ${pl.goldstein}`));
    g.append(c);
  }
}

async function loadStats() {
  const s = await api("/api/stats");
  document.getElementById("stats").textContent = `${s.articles} articles · ${s.events} events`;
}

async function refresh() {
  showError("");
  try {
    await Promise.all([loadEvents(), loadTimeline(), loadNetwork(), loadMap()]);
  } catch (e) {
    showError(e.message);
  }
}

document.getElementById("filters").addEventListener("submit", ev => { ev.preventDefault(); state.offset = 0; refresh(); });
document.getElementById("reset").addEventListener("click", () => { document.getElementById("filters").reset(); state.dyad = null; state.offset = 0; refresh(); });
document.getElementById("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - state.limit); loadEvents().catch(e => showError(e.message)); });
document.getElementById("next").addEventListener("click", () => { state.offset += state.limit; loadEvents().catch(e => showError(e.message)); });
function fromHash() {
  // Deep link: #article=ID opens an article.
  const m = /^#article=(.+)$/.exec(location.hash);
  if (m) showArticle(decodeURIComponent(m[1])).catch(e => showError(e.message));
}
window.addEventListener("hashchange", fromHash);
loadStats().catch(e => showError(e.message));
refresh().then(fromHash);
