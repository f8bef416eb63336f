// chisel-agent run viewer: every page is built from JSON with createElement and textContent only
// (never innerHTML), so code and model text always show as text, whatever they hold.
// Server mode fetches api/...; bundle mode (a static site opened from disk) loads data/*.js files,
// each calling window.__viewData(key, value), because browsers refuse fetch() on file:// pages.
"use strict";

const MODE = document.body.dataset.mode || "server";
const POLL_MS = 3000;
const state = { route: null, data: {}, filters: {}, order: {}, searchIndex: {}, timer: null, version: null };

// ---------------------------------------------------------------------------------------------
// data
function fileKey(key) {
  // Same escaping as agent/view/bundle.py: keep [A-Za-z0-9_-], write every other UTF-8 byte as ~XX.
  const enc = new TextEncoder();
  return key.split("/").map((part) => Array.from(part).map((ch) => /[A-Za-z0-9_-]/.test(ch) ? ch
    : Array.from(enc.encode(ch)).map((b) => "~" + b.toString(16).toUpperCase().padStart(2, "0")).join("")).join(""))
    .join("/");
}

function apiUrl(key) {
  const [kind, ...rest] = key.split("/");
  const seg = rest.map(encodeURIComponent);
  switch (kind) {
    case "runs": return "api/runs";
    case "run": return `api/runs/${seg[0]}`;
    case "search": return `api/runs/${seg[0]}/search`;
    case "run-version": return `api/runs/${seg[0]}/version`;
    case "problem-version": return `api/runs/${seg[0]}/problems/${seg[1]}/version`;
    case "problem": return `api/runs/${seg[0]}/problems/${seg[1]}`;
    case "compare": return `api/compare/${seg[0]}/${seg[1]}`;
  }
  throw new Error("unknown data key " + key);
}

function fileUrl(rid, name) {
  return MODE === "bundle" ? `files/${fileKey(rid)}/${fileKey(name)}`
    : `api/runs/${encodeURIComponent(rid)}/files/${encodeURIComponent(name)}`;
}

const pending = {};
window.__viewData = (key, value) => { if (pending[key]) { pending[key].resolve(value); delete pending[key]; } };

function load(key, parts) {
  const full = [key, ...(parts || [])].join("/");
  if (MODE === "bundle") {
    if (state.data[full]) return Promise.resolve(state.data[full]);
    return new Promise((resolve, reject) => {
      pending[full] = { resolve: (v) => { state.data[full] = v; resolve(v); } };
      const s = document.createElement("script");
      s.src = "data/" + fileKey(full) + ".js";
      s.onerror = () => { delete pending[full]; reject(new Error("not in this bundle: " + full)); };
      s.onload = () => s.remove();
      document.head.appendChild(s);
    });
  }
  return fetch(apiUrl(full), { cache: "no-store" }).then(async (r) => {
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(body.error || `HTTP ${r.status}`);
    return body;
  });
}

// ---------------------------------------------------------------------------------------------
// DOM helpers: text goes in as text nodes, attributes via setAttribute / properties.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "open" || k === "selected" || k === "checked") el[k] = !!v;
    else if (k === "value") el.value = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}
function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const link = (href, ...c) => h("a", { href }, ...c);
const pct = (x) => (x === null || x === undefined) ? "–" : (100 * x).toFixed(1) + "%";
const signed = (x) => (x >= 0 ? "+" : "") + (100 * x).toFixed(1);
const num = (x, d = 0) => (x === null || x === undefined) ? "–" : Number(x).toFixed(d);
const yesno = (b) => b === true ? h("span", { class: "pass" }, "pass") : b === false ? h("span", { class: "fail" }, "fail")
  : h("span", { class: "muted" }, "–");
const runHref = (rid) => `#/run/${encodeURIComponent(rid)}`;
const problemHref = (rid, pid) => `#/run/${encodeURIComponent(rid)}/p/${encodeURIComponent(pid)}`;
const compareHref = (a, b) => `#/compare/${encodeURIComponent(a)}/${encodeURIComponent(b)}`;
function pre(text, cls) { return h("pre", { class: cls || "text" }, text || ""); }
function fold(summary, body, open) { return h("details", { open: !!open }, h("summary", {}, summary), body); }
function table(headers, rows, attrs) {
  return h("table", attrs || {}, h("thead", {}, h("tr", {}, headers.map((x) => h("th", {}, x)))),
    h("tbody", {}, rows));
}
function show(...nodes) {
  const app = document.getElementById("app");
  app.replaceChildren(...nodes.flat().filter(Boolean));
}
function crumbs(...parts) {
  document.getElementById("crumbs").replaceChildren(...parts.flatMap((p) => [" / ", p]));
}
function errorBox(err) { return h("p", { class: "error" }, String(err && err.message || err)); }

// ---------------------------------------------------------------------------------------------
// routing: #/  #/run/RID  #/run/RID/p/PID  #/compare/A/B
function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter((x) => x !== "").map(decodeURIComponent);
  if (parts[0] === "run" && parts.length === 2) return { page: "run", rid: parts[1] };
  if (parts[0] === "run" && parts[2] === "p" && parts.length === 4) return { page: "problem", rid: parts[1], pid: parts[3] };
  if (parts[0] === "compare" && parts.length === 3) return { page: "compare", a: parts[1], b: parts[2] };
  return { page: "runs" };
}

async function route() {
  state.route = parseRoute();
  state.seq = (state.seq || 0) + 1;  // a page whose data arrives after the next route started draws nothing
  state.version = null;
  state.nav = null;  // until the new page is drawn: a key pressed meanwhile must not use the old page's links
  const r = state.route;
  try {
    if (r.page === "runs") await pageRuns();
    else if (r.page === "run") await pageRun(r.rid);
    else if (r.page === "problem") await pageProblem(r.rid, r.pid);
    else await pageCompare(r.a, r.b);
  } catch (e) {
    show(errorBox(e));
  }
}

// ---------------------------------------------------------------------------------------------
// runs
function settingsText(s) {
  const on = (k, label) => s[k] === false ? `no ${label}` : null;
  return [s.samples !== undefined ? `n=${s.samples}` : null, s.depth !== undefined ? `depth ${s.depth}` : null,
    s.ks ? `k ${s.ks.join(",")}` : null, s.mode && s.mode !== "strict" ? s.mode : null, on("fix", "fixers"),
    on("rag", "RAG"), on("fewshot", "few-shot"), on("import_hints", "import hints"), on("escape", "escape"),
    s.oracle_feedback ? "oracle feedback" : null, s.replay ? "replay" : null].filter(Boolean).join(", ");
}
function score(hd) {
  if (!hd || !hd.total) return h("span", { class: "muted" }, "–");
  return h("span", {}, `${hd.passed}/${hd.total} `, h("b", {}, pct(hd.rate)));
}

function progress(r) {
  // Not all planned problems recorded: still going (files changed in the last 10 minutes) or stopped.
  if (r.complete) return null;
  return h("span", { class: "badge", title: "problems recorded of those planned" },
    r.active && MODE === "server" ? "in progress" : "incomplete");
}

async function pageRuns() {
  const seq = state.seq;
  const data = await load("runs");
  if (seq !== state.seq) return;
  state.version = data.runs.map((r) => r.version).join("|");
  crumbs();
  const rows = data.runs.map((r) => h("tr", { "data-run": r.id },
    h("td", {}, link(runHref(r.id), r.label), r.error ? h("div", { class: "error" }, r.error) : null),
    h("td", {}, r.bench || "–"), h("td", {}, r.model || "–"), h("td", {}, settingsText(r.settings)),
    h("td", {}, (r.created || "").replace("T", " ").slice(0, 16)),
    h("td", { class: "num" }, score(r.headline.functional)), h("td", { class: "num" }, score(r.headline.compile)),
    h("td", { class: "num" }, `${r.recorded}${r.expected ? "/" + r.expected : ""}`,
      progress(r))));
  const options = (sel) => data.runs.map((r) => h("option", { value: r.id, selected: r.id === sel }, r.label));
  const a = h("select", { id: "compare-a" }, options(data.runs[1] && data.runs[1].id));
  const b = h("select", { id: "compare-b" }, options(data.runs[0] && data.runs[0].id));
  const msg = h("span", { class: "muted" });
  const go = h("button", { id: "compare-go", onclick: () => {
    if (a.value === b.value) { msg.textContent = "choose two different runs"; return; }
    if (!(data.comparable[a.value] || []).includes(b.value)) { msg.textContent = "these runs share no problem"; return; }
    location.hash = compareHref(a.value, b.value);
  } }, "Compare");
  show(h("h1", {}, "Runs"),
    data.runs.length ? table(["run", "benchmark", "model", "settings", "started", "functional", "compile", "problems"],
      rows, { id: "runs", class: "list" }) : h("p", { class: "muted" }, "No runs yet."),
    h("section", { class: "compare-form" }, h("h2", {}, "Compare two runs"),
      h("label", {}, "A (baseline) ", a), " ", h("label", {}, "B ", b), " ", go, " ", msg));
}

// ---------------------------------------------------------------------------------------------
// one run
function gridTable(grid) {
  const ks = [...new Set(grid.map((g) => g.k))].sort((x, y) => x - y);
  const depths = [...new Set(grid.map((g) => g.depth))].sort((x, y) => x - y);
  const cell = (k, d) => grid.find((g) => g.k === k && g.depth === d);
  return table(["depth", ...ks.map((k) => `k=${k}`)], depths.map((d) => h("tr", {}, h("td", {}, d),
    ks.map((k) => { const c = cell(k, d); return h("td", { class: "num" }, c ? `${num(c.functional_pass_at_k, 2)} / ${num(c.compile_pass_at_k, 2)}` : "–"); }))),
    { class: "grid" });
}

function filterProblems(run, f) {
  const text = (f.search || "").toLowerCase().trim();
  const index = state.searchIndex[run.id];
  return run.problems.filter((p) => {
    if (f.level && p.level !== f.level) return false;
    if (f.failure && p.failure !== f.failure) return false;
    const passed = p.functional !== null && p.functional !== undefined ? p.functional : p.compile;
    if (f.status === "passed" && passed !== true) return false;
    if (f.status === "failed" && passed !== false) return false;
    if (f.status === "running" && p.status !== "running") return false;
    if (f.changed && !f.changed.has(p.id)) return false;
    if (text) {
      const hay = index ? (index[p.id] || "") : "";
      if (!hay.includes(text) && !p.id.toLowerCase().includes(text)) return false;
    }
    return true;
  });
}

function problemRows(run, list) {
  return list.map((p) => h("tr", { "data-problem": p.id, class: p.status === "running" ? "running" : null },
    h("td", {}, link(problemHref(run.id, p.id), p.id)), h("td", {}, p.level || "–"), h("td", {}, p.category || "–"),
    h("td", {}, p.status === "running" ? h("span", { class: "badge" }, "running") : yesno(p.functional)),
    h("td", {}, p.status === "running" ? "" : yesno(p.compile)), h("td", {}, p.failure || ""),
    h("td", { class: "num" }, p.passing_chains === null ? "" : `${p.passing_chains}/${p.chains}`),
    h("td", { class: "num" }, num(p.rounds)), h("td", { class: "num" }, num(p.tokens)),
    h("td", { class: "num" }, num(p.wall_s, 1))));
}

async function pageRun(rid) {
  const seq = state.seq;
  const run = await load("run", [rid]);
  if (seq !== state.seq) return;
  performance.mark("view:run-data");  // agent bench view reads these two marks
  state.version = run.version;
  state.data["run/" + rid] = run;
  const f = state.filters[rid] || (state.filters[rid] = {});
  crumbs(link(runHref(rid), run.label));
  const body = h("tbody", {});
  const count = h("span", { class: "muted", id: "shown-count" });
  const refresh = () => {
    const list = filterProblems(run, f);
    state.order[rid] = list.map((p) => p.id);
    body.replaceChildren(...problemRows(run, list));
    count.textContent = `${list.length} of ${run.problems.length} problems`;
  };
  const select = (key, values, label) => h("select", { id: "filter-" + key, onchange: (e) => { f[key] = e.target.value; refresh(); } },
    h("option", { value: "" }, label), values.map((v) => h("option", { value: v, selected: f[key] === v }, v)));
  const levels = [...new Set(run.problems.map((p) => p.level).filter(Boolean))].sort();
  const failures = [...new Set(run.problems.map((p) => p.failure).filter(Boolean))].sort();
  const search = h("input", { id: "search", type: "search", placeholder: "search specs and code (/)", value: f.search || "",
    oninput: async (e) => {
      f.search = e.target.value;
      if (!state.searchIndex[rid]) state.searchIndex[rid] = (await load("search", [rid])).texts;
      refresh();
    } });
  const changedSel = h("select", { id: "filter-changed", onchange: async (e) => {
    const other = e.target.value;
    f.changedWith = other;
    if (!other) { f.changed = null; refresh(); return; }
    const cmp = await load("compare", [other, rid]);
    f.changed = new Set(cmp.problems.filter((p) => p.outcome === "win" || p.outcome === "loss").map((p) => p.id));
    refresh();
  } }, h("option", { value: "" }, "changed vs … (any)"));
  load("runs").then((all) => {
    for (const other of all.comparable[rid] || []) {
      const r = all.runs.find((x) => x.id === other);
      changedSel.appendChild(h("option", { value: other, selected: f.changedWith === other }, r ? r.label : other));
    }
  }).catch(() => {});
  const failRows = run.failures.map((x) => h("tr", {}, h("td", {}, h("a", { href: "#", onclick: (e) => {
    e.preventDefault(); f.failure = x.category; document.getElementById("filter-failure").value = x.category; refresh();
  } }, x.category)), h("td", { class: "num" }, x.count)));
  const levelRows = run.levels.map((l) => h("tr", {}, h("td", {}, l.level), h("td", { class: "num" }, l.total),
    h("td", { class: "num" }, l.checked ? `${l.functional}/${l.checked}` : "–"), h("td", { class: "num" }, `${l.compile}/${l.total}`)));
  show(
    h("h1", {}, run.label),
    h("p", { class: "summary" }, `${run.bench || "?"} · ${run.model || "?"} · ${settingsText(run.settings)} · started ${(run.created || "?").replace("T", " ").slice(0, 16)}`),
    h("p", { class: "headline" }, "functional ", score(run.headline.functional), " · compile ", score(run.headline.compile),
      ` · ${run.recorded}${run.expected ? "/" + run.expected : ""} problems recorded`,
      progress(run)),
    run.error ? errorBox(run.error) : null,
    run.warnings.map((w) => h("p", { class: "warning" }, w)),
    h("div", { class: "cols" },
      h("section", {}, h("h2", {}, "By level"), table(["level", "problems", "functional", "compile"], levelRows, { id: "levels" })),
      h("section", {}, h("h2", {}, "Failure categories"), run.failures.length
        ? table(["category", "problems"], failRows, { id: "failures" }) : h("p", { class: "muted" }, "none")),
      run.grid ? h("section", {}, h("h2", {}, "Grid: functional / compile pass@k"), gridTable(run.grid)) : null),
    run.plots.length ? fold("Plots", h("div", { class: "plots" }, run.plots.map((p) => h("img", { src: fileUrl(rid, p), alt: p, title: p }))), true) : null,
    fold("Settings (run.json)", pre(JSON.stringify(run.meta, null, 1))),
    run.report ? fold("report.md", pre(run.report)) : null,
    h("h2", {}, "Problems"),
    h("div", { class: "filters" }, select("level", levels, "all levels"), select("failure", failures, "all failures"),
      select("status", ["passed", "failed", "running"], "passed and failed"), changedSel, search, count),
    h("table", { id: "problems", class: "list" }, h("thead", {}, h("tr", {},
      ["problem", "level", "category", "functional", "compile", "failure", "passing chains", "rounds", "tokens", "s"].map((x) => h("th", {}, x)))), body));
  refresh();
  performance.mark("view:run-rendered");
  requestAnimationFrame(() => setTimeout(() => performance.mark("view:run-painted"), 0));  // after the first frame
  if (f.search && !state.searchIndex[rid]) { state.searchIndex[rid] = (await load("search", [rid])).texts; refresh(); }
}

// ---------------------------------------------------------------------------------------------
// one problem
function codeView(code, diagnostics) {
  const byLine = {};
  for (const d of diagnostics || []) {
    const line = Number.isInteger(d.line) ? d.line : 0;
    (byLine[line] = byLine[line] || []).push(d);
  }
  const lines = (code || "").split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  const rows = [];
  const diag = (d) => h("div", { class: "diag " + (d.severity || "error") },
    `${d.stage ? d.stage + " " : ""}${d.severity || "error"}${d.line ? ` line ${d.line}${d.column ? ":" + d.column : ""}` : ""}: ${d.message || ""}`);
  lines.forEach((text, i) => {
    const n = i + 1;
    rows.push(h("div", { class: "line" + (byLine[n] ? " has-diag" : "") }, h("span", { class: "ln" }, n), h("span", { class: "src" }, text)));
    (byLine[n] || []).forEach((d) => rows.push(diag(d)));
    delete byLine[n];
  });
  const rest = Object.values(byLine).flat();
  return h("div", { class: "code" }, rows, rest.map(diag));
}

function diffView(lines) {
  return h("pre", { class: "diff" }, lines.map((l) => h("span", { class: l.startsWith("+") ? "add" : l.startsWith("-") ? "del" : l.startsWith("@@") ? "hunk" : "" }, l + "\n")));
}

function verdict(v, attempt) {
  if (!v && !attempt) return null;
  const ok = v ? v.ok : attempt.ok;
  const stage = v ? v.stage : attempt.stage;
  const cat = v ? v.category : attempt.category;
  return h("div", { class: "verdict " + (ok ? "pass" : "fail") }, ok ? "verifier: passed" : `verifier: failed at ${stage || "?"}${cat ? " (" + cat + ")" : ""}`,
    v && v.first_error ? pre(v.first_error, "error-text") : null,
    v && v.mismatches && v.mismatches.length ? fold(`${v.mismatches.length} simulation mismatch(es)`, pre(JSON.stringify(v.mismatches, null, 1)), true) : null);
}

function roundView(rid, ch, r) {
  const p = r.prompt;
  const head = [`round ${r.round}`, p ? p.template : null, r.escape ? `escape: ${r.escape.reason}` : null,
    r.tokens !== null && r.tokens !== undefined ? `${r.tokens} tokens` : null, r.seconds ? `${num(r.seconds, 1)} s` : null]
    .filter(Boolean).join(" · ");
  const v = r.verification;
  return h("section", { class: "round", "data-round": r.round },
    h("h4", {}, head),
    p ? fold(`prompt${p.shared ? " (one request for all samples)" : ""}${p.temperature !== undefined ? `, temperature ${p.temperature}` : ""}`, pre(p.text, "prompt")) : null,
    r.retrieved && r.retrieved.length ? h("div", { class: "notes" }, "retrieved notes: ", r.retrieved.map((n) => n.title || n.id).join("; ")) : null,
    r.reply !== null && r.reply !== undefined ? fold(`reply${r.finish_reason ? " (finish: " + r.finish_reason + ")" : ""}`, pre(r.reply, "reply")) : null,
    r.extraction && (r.extraction.category || r.extraction.note) ? h("div", { class: "muted" }, `extraction: ${r.extraction.note || ""}${r.extraction.category ? " [" + r.extraction.category + "]" : ""}`) : null,
    r.fixes && r.fixes.length ? h("div", { class: "fixes" }, "fixers: ", r.fixes.map((x) => typeof x === "string" ? x : `${x.fixer}: ${x.rule}${x.detail ? " (" + x.detail + ")" : ""}`).join("; ")) : null,
    r.code ? h("div", { class: "codebox" }, h("div", { class: "label" }, "code verified"), codeView(r.code, v && v.diagnostics)) : h("p", { class: "muted" }, "no code"),
    r.diff ? fold("diff to the previous round", diffView(r.diff)) : null,
    verdict(v, r.attempt),
    r.check_repair ? fold("repair against the model's checks", pre(JSON.stringify(r.check_repair, null, 1))) : null);
}

function chainView(rid, ch, chosen) {
  const passed = ch.first_pass_round !== null && ch.first_pass_round !== undefined;
  const head = `chain ${ch.index}: ${passed ? "passed the verifier at round " + ch.first_pass_round : "never passed the verifier"}` +
    (ch.functional_ok === true ? " · functional: matches the reference" : ch.functional_ok === false ? " · functional: does not match" : "") +
    (chosen ? " · chosen by the vote" : "");
  return h("section", { class: "chain" + (passed ? " ok" : " bad"), id: `chain-${ch.index}`, "data-chain": ch.index },
    h("h3", {}, head), ch.rounds.map((r) => roundView(rid, ch, r)));
}

function voteView(vote) {
  if (!vote) return null;
  return h("section", { class: "vote", id: "vote" }, h("h2", {}, "Vote (oracle-free selection)"),
    h("p", {}, `${vote.agree}/${vote.total} agree${vote.confirmed ? " (confirmed)" : " (not confirmed)"}; chosen chain ${vote.chosen_chain}; groups `,
      (vote.groups || []).map((g) => "[" + g.join(", ") + "]").join(" ")),
    vote.notes && vote.notes.length ? h("ul", {}, vote.notes.map((n) => h("li", {}, n))) : null,
    vote.checks ? fold("the model's checks", pre(JSON.stringify(vote.checks, null, 1))) : null);
}

async function pageProblem(rid, pid) {
  const seq = state.seq;
  const [p, run] = await Promise.all([load("problem", [rid, pid]), state.data["run/" + rid] ? Promise.resolve(state.data["run/" + rid]) : load("run", [rid]).catch(() => null)]);
  if (seq !== state.seq) return;
  state.version = p.status === "running" ? p.version : null;  // a finished problem does not change
  const order = state.order[rid] || (run ? run.problems.map((x) => x.id) : []);
  const i = order.indexOf(pid);
  const prev = i > 0 ? order[i - 1] : (i < 0 ? p.prev : null);
  const next = i >= 0 && i + 1 < order.length ? order[i + 1] : (i < 0 ? p.next : null);
  state.nav = { prev: prev && problemHref(rid, prev), next: next && problemHref(rid, next), up: runHref(rid) };
  crumbs(link(runHref(rid), p.run_label), link(problemHref(rid, pid), pid));
  const rec = p.record;
  const chosen = p.vote ? p.vote.chosen_chain : null;
  show(
    h("nav", { class: "pager" }, prev ? link(problemHref(rid, prev), "← " + prev) : h("span", { class: "muted" }, "first"),
      h("span", { class: "muted" }, " (p / n, u: up) "), next ? link(problemHref(rid, next), next + " →") : h("span", { class: "muted" }, "last")),
    h("h1", {}, pid, p.top ? h("span", { class: "muted" }, ` (top ${p.top})`) : null,
      p.status === "running" ? h("span", { class: "badge" }, "running") : null),
    rec ? h("p", { class: "headline" }, "functional ", yesno(rec.functional), " · compile ", yesno(rec.compile),
      rec.failure ? ` · failure: ${rec.failure}` : "", ` · ${rec.chains} chains, ${rec.llm_calls} LLM calls, ${rec.tokens} tokens, ${num(rec.wall_s, 1)} s`) : null,
    p.trace_notes.map((n) => h("p", { class: "warning" }, n)),
    h("h2", {}, "Spec"), pre(p.spec, "spec"),
    rec && rec.final_code ? fold("reported design (final code)", pre(rec.final_code, "codeblock")) : null,
    rec && rec.error_log ? fold("error log", pre(rec.error_log)) : null,
    rec && rec.notes && rec.notes.length ? h("ul", { class: "notes" }, rec.notes.map((n) => h("li", {}, n))) : null,
    voteView(p.vote),
    p.interface ? fold(`interface (${p.interface.source || "?"})`, pre(JSON.stringify(p.interface.ports, null, 1))) : null,
    p.checks ? fold("the model's own checks", pre(JSON.stringify(p.checks.checks, null, 1))) : null,
    p.events.length ? fold(`other events (${p.events.length})`, pre(p.events.map((e) => JSON.stringify(e)).join("\n"))) : null,
    p.config ? fold("search settings", pre(JSON.stringify(p.config, null, 1))) : null,
    h("h2", {}, `Chains (${p.chains.length})`),
    p.has_trace ? null : h("p", { class: "muted" }, "no trace for this problem: the rounds below come from results.jsonl"),
    p.chains.map((ch) => chainView(rid, ch, chosen === ch.index)));
}

// ---------------------------------------------------------------------------------------------
// compare
async function pageCompare(a, b) {
  const seq = state.seq;
  const c = await load("compare", [a, b]);
  if (seq !== state.seq) return;
  const s = c.stats;
  crumbs(link(compareHref(a, b), `${c.b.label} vs ${c.a.label}`));
  const row = (label, x) => h("tr", {}, h("td", {}, label), h("td", { class: "num" }, pct(x.a)), h("td", { class: "num" }, pct(x.b)),
    h("td", { class: "num" }, signed(x.delta)), h("td", { class: "num" }, `[${signed(x.ci95[0])}, ${signed(x.ci95[1])}]`),
    h("td", { class: "num" }, x.mcnemar_p !== undefined ? Number(x.mcnemar_p).toPrecision(3) : ""));
  const stats = [
    ["compile", "functional"].filter((m) => s[m].problems).map((m) => row(`${m} pass${m === s.metric ? " (headline)" : ""}`, s[m])),
    Object.entries(s.pass_at_k).map(([k, x]) => row(`${s.metric} pass@${k}`, x))];
  const filt = { outcome: "" };
  const body = h("tbody", {});
  const refresh = () => body.replaceChildren(...c.problems.filter((p) => !filt.outcome
    || (filt.outcome === "changed" ? (p.outcome === "win" || p.outcome === "loss") : p.outcome === filt.outcome)).map((p) =>
    h("tr", { "data-problem": p.id, class: p.outcome },
      h("td", {}, p.id), h("td", {}, p.level || ""), h("td", {}, yesno(p.a), p.a_failure ? ` ${p.a_failure}` : ""),
      h("td", {}, yesno(p.b), p.b_failure ? ` ${p.b_failure}` : ""),
      h("td", { class: "outcome" }, { win: "B wins", loss: "B loses", both: "both pass", neither: "both fail" }[p.outcome]),
      h("td", {}, link(problemHref(a, p.id), "A chains"), " · ", link(problemHref(b, p.id), "B chains")))));
  show(h("h1", {}, `${c.b.label} vs ${c.a.label}`),
    h("p", {}, "A: ", link(runHref(a), c.a.label), ` (${c.a.bench}, ${c.a.model}) · B: `, link(runHref(b), c.b.label), ` (${c.b.bench}, ${c.b.model})`),
    c.same_bench ? null : h("p", { class: "warning" }, `different benchmarks: comparing the ${s.problems} problem ids they share`),
    h("p", { class: "headline", id: "mcnemar" }, `${s.problems} problems in both; headline ${s.metric} pass: both ${s.pass.both}, only A ${s.pass.a_only}, only B ${s.pass.b_only}, neither ${s.pass.neither}; exact McNemar p = ${Number(s.pass.mcnemar_p).toPrecision(3)}`),
    table(["measure", "A", "B", "B − A (points)", "95% CI (paired bootstrap)", "McNemar p"], stats, { id: "compare-stats" }),
    h("h2", {}, "By level"),
    table(["level", "problems", `A passed (${s.metric})`, `B passed (${s.metric})`], Object.entries(s.by_level).map(([l, x]) =>
      h("tr", {}, h("td", {}, l), h("td", { class: "num" }, x.total), h("td", { class: "num" }, x.a), h("td", { class: "num" }, x.b))), { id: "compare-levels" }),
    h("p", { class: "muted" }, `cost: A ${s.cost.a.llm_calls} LLM calls, ${s.cost.a.tokens} tokens; B ${s.cost.b.llm_calls} LLM calls, ${s.cost.b.tokens} tokens`),
    h("h2", {}, "Problems"),
    h("div", { class: "filters" }, h("select", { id: "filter-outcome", onchange: (e) => { filt.outcome = e.target.value; refresh(); } },
      h("option", { value: "" }, "all"), h("option", { value: "changed" }, "changed"), h("option", { value: "win" }, "B wins"),
      h("option", { value: "loss" }, "B loses"), h("option", { value: "both" }, "both pass"), h("option", { value: "neither" }, "both fail"))),
    h("table", { id: "compare-problems", class: "list" }, h("thead", {}, h("tr", {},
      ["problem", "level", "A", "B", "outcome", "chains"].map((x) => h("th", {}, x)))), body));
  refresh();
}

// ---------------------------------------------------------------------------------------------
// keyboard: n / → next problem, p / ← previous, u up to the run, / search
document.addEventListener("keydown", (e) => {
  if (e.target.matches("input, select, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
  const nav = state.route && state.route.page === "problem" ? state.nav : null;
  if (nav && (e.key === "n" || e.key === "ArrowRight") && nav.next) location.hash = nav.next;
  else if (nav && (e.key === "p" || e.key === "ArrowLeft") && nav.prev) location.hash = nav.prev;
  else if (nav && e.key === "u") location.hash = nav.up;
  else if (e.key === "/" && document.getElementById("search")) { e.preventDefault(); document.getElementById("search").focus(); }
});

// live: poll the page's data and re-render when its version changed (server mode only)
async function poll() {
  const r = state.route;
  if (!r || state.version === null || document.hidden) return;
  try {
    let version;
    if (r.page === "runs") version = (await load("runs")).runs.map((x) => x.version).join("|");
    else if (r.page === "run") version = (await load("run-version", [r.rid])).version;
    else if (r.page === "problem") version = (await load("problem-version", [r.rid, r.pid])).version;
    if (version !== undefined && version !== state.version && r === state.route) {
      const y = window.scrollY;
      await route();
      window.scrollTo(0, y);
    }
  } catch (e) { /* a run being rewritten: the next poll reads it */ }
}

window.addEventListener("hashchange", () => { route().then(() => window.scrollTo(0, 0)); });
route();
if (MODE === "server") setInterval(poll, POLL_MS);
