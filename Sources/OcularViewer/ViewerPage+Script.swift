extension ViewerPage {
  /// The page's script: a hash router over the JSON API. Every string from the store is put in the page as a text
  /// node (`textContent`), never parsed as markup; links and image sources are built from ids and API paths only.
  static let script = #"""
    "use strict";
    const main = document.getElementById("main");
    const crumbs = document.getElementById("crumbs");

    // ---- DOM helpers: text only, never markup -------------------------------------------------------------
    const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
    function visible(text) {
      // Control characters (ANSI escapes included) are shown as visible escapes (`\x1B`), never interpreted.
      return String(text).replace(CONTROL, (c) => "\\x" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0"));
    }
    function el(tag, attrs, ...children) {
      const node = document.createElement(tag);
      for (const [name, value] of Object.entries(attrs || {})) {
        if (value === null || value === undefined || value === false) continue;
        if (name === "href" && !String(value).startsWith("#")) continue;
        if (name === "src" && !String(value).startsWith("/api/")) continue;
        if (name.startsWith("on")) { node.addEventListener(name.slice(2), value); continue; }
        node.setAttribute(name, value === true ? "" : String(value));
      }
      for (const child of children.flat(Infinity)) {
        if (child === null || child === undefined || child === false) continue;
        node.appendChild(child instanceof Node ? child : document.createTextNode(visible(child)));
      }
      return node;
    }
    const SVG = "http://www.w3.org/2000/svg";
    function svg(tag, attrs, ...children) {
      const node = document.createElementNS(SVG, tag);
      for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
      for (const child of children) node.appendChild(child instanceof Node ? child : document.createTextNode(visible(child)));
      return node;
    }
    function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
    function show(...children) { clear(main); for (const c of children.flat(Infinity)) if (c) main.appendChild(c); }
    function setCrumbs(...parts) {
      clear(crumbs);
      parts.forEach((part, i) => {
        if (i > 0) crumbs.appendChild(document.createTextNode(" › "));
        crumbs.appendChild(Array.isArray(part) ? el("a", { href: part[1] }, part[0]) : el("span", {}, part));
      });
    }
    const enc = encodeURIComponent;
    function score(value) { return value === null || value === undefined ? "–" : Number(value).toFixed(2); }
    function pct(value) { return value === null || value === undefined ? "–" : (Number(value) * 100).toFixed(1); }
    function signed(value) { return value === null || value === undefined ? "–" : (value > 0 ? "+" : "") + Number(value).toFixed(2); }
    async function api(path) {
      const response = await fetch(path, { headers: { Accept: "application/json" } });
      const body = await response.json().catch(() => ({ error: "not JSON (" + response.status + ")" }));
      if (!response.ok) throw new Error(body.error || ("HTTP " + response.status));
      return body;
    }
    function failure(error) { show(el("p", { class: "error", id: "error" }, "Error: " + error.message)); }
    function parseQuery(text) {
      const query = {};
      for (const part of (text || "").split("&")) {
        if (!part) continue;
        const [k, v] = part.split("=");
        query[decodeURIComponent(k)] = decodeURIComponent(v || "");
      }
      return query;
    }
    function queryText(query) {
      return Object.entries(query).filter(([, v]) => v !== "" && v !== undefined && v !== null)
        .map(([k, v]) => enc(k) + "=" + enc(v)).join("&");
    }

    // ---- Router --------------------------------------------------------------------------------------------
    async function route() {
      const hash = location.hash.replace(/^#\/?/, "");
      const [pathText, queryPart] = hash.split("?");
      const parts = pathText.split("/").filter((p) => p !== "").map(decodeURIComponent);
      const query = parseQuery(queryPart);
      try {
        if (parts.length === 0) return await runsPage(query);
        if (parts[0] === "table") return await tablePage(query);
        if (parts[0] === "diff" && parts.length === 1) return await diffPickPage();
        if (parts[0] === "diff" && parts.length === 3) return await diffPage(parts[1], parts[2], query);
        if (parts[0] === "diff" && parts.length === 9 && parts[3] === "suite" && parts[5] === "sample" && parts[7] === "repeat")
          return await pairPage(parts[1], parts[2], parts[4], parts[6], parts[8]);
        if (parts[0] === "run" && parts.length === 2) return await runPage(parts[1]);
        if (parts[0] === "run" && parts.length === 4 && parts[2] === "suite") return await samplesPage(parts[1], parts[3], query);
        if (parts[0] === "run" && parts.length === 8 && parts[2] === "suite" && parts[4] === "sample" && parts[6] === "repeat")
          return await samplePage(parts[1], parts[3], parts[5], parts[7]);
        show(el("p", { class: "error", id: "error" }, "No page at #/" + pathText));
      } catch (error) { failure(error); }
    }
    window.addEventListener("hashchange", route);

    // ---- Runs -------------------------------------------------------------------------------------------------
    async function runsPage(query) {
      setCrumbs("Runs");
      const data = await api("/api/runs");
      const board = data.leaderboard || { groups: [], rows: [] };
      const rowsByRun = new Map((board.rows || []).map((row) => [row.run, row]));
      const filter = el("input", { id: "run-filter", type: "search", placeholder: "filter runs (model, status, profile…)", value: query.q || "" });
      const head = el("tr", {}, el("th", {}, ""), el("th", {}, "run"), el("th", {}, "model"), el("th", {}, "date"),
        el("th", {}, "status"), el("th", {}, "tags"), el("th", {}, "scoring profile"), el("th", {}, "overall"),
        (board.groups || []).map((g) => el("th", {}, g.title)));
      const body = el("tbody", {});
      const checks = [];
      for (const run of data.runs) {
        const row = rowsByRun.get(run.id) || { group_averages: {}, overall: null };
        const check = el("input", { type: "checkbox", value: run.id, class: "run-check" });
        checks.push(check);
        const tags = [run.prompt_profile + " prompt", run.repeats > 1 ? run.repeats + " repeats" : null,
          run.model_spec.split(":")[0]].filter(Boolean);
        const tr = el("tr", { class: "run-row", "data-run": run.id },
          el("td", {}, check), el("td", {}, el("a", { href: "#/run/" + run.id }, String(run.id))),
          el("td", {}, el("a", { href: "#/run/" + run.id }, run.model), el("div", { class: "muted" }, run.model_spec)),
          el("td", {}, run.created_at.slice(0, 16).replace("T", " ")), el("td", { class: "status-" + run.status }, run.status),
          el("td", {}, tags.map((t) => el("span", { class: "tag" }, t))), el("td", { class: "muted" }, run.scoring_profile),
          el("td", { class: "num" }, score(row.overall)),
          (board.groups || []).map((g) => el("td", { class: "num" }, score(row.group_averages[g.id]))));
        tr.dataset.text = [run.id, run.model, run.model_spec, run.status, run.scoring_profile, run.prompt_profile,
          run.created_at].join(" ").toLowerCase();
        body.appendChild(tr);
      }
      function applyFilter() {
        const needle = filter.value.trim().toLowerCase();
        for (const tr of body.children) tr.hidden = needle !== "" && !tr.dataset.text.includes(needle);
      }
      filter.addEventListener("input", applyFilter);
      applyFilter();
      function chosen() { return checks.filter((c) => c.checked).map((c) => c.value); }
      const message = el("span", { class: "muted", id: "choose-message" }, "");
      const tableButton = el("button", { id: "table-button", onclick: () => {
        const ids = chosen();
        if (ids.length === 0) { message.textContent = "Choose runs first."; return; }
        location.hash = "#/table?runs=" + ids.join(",");
      } }, "Paper table for chosen runs");
      const diffButton = el("button", { id: "diff-button", onclick: () => {
        const ids = chosen();
        if (ids.length !== 2) { message.textContent = "Choose exactly two runs: A, then B (lower id is A)."; return; }
        location.hash = "#/diff/" + ids[1] + "/" + ids[0];
      } }, "Compare two runs side by side");
      show(el("h1", {}, "Runs"), el("div", { class: "toolbar" }, filter, tableButton, diffButton, message),
        data.runs.length === 0 ? el("p", {}, "No runs in this store yet: `ocular eval` makes one.") :
          el("table", { id: "runs-table" }, el("thead", {}, head), body),
        el("p", { class: "muted" }, (board.notes || []).join(" ")));
    }

    // ---- Paper table with charts ---------------------------------------------------------------------------------
    async function tablePage(query) {
      setCrumbs(["Runs", "#/"], "Paper table");
      const data = await api("/api/leaderboard?" + queryText({ runs: query.runs, baseline: query.baseline, force: "1" }));
      const head1 = el("tr", {}, el("th", { rowspan: 2 }, "run"), data.groups.map((g) =>
        el("th", { colspan: g.benchmarks.length + 1, class: "group" }, g.title)), el("th", { rowspan: 2 }, "overall"));
      const head2 = el("tr", {}, data.groups.map((g) => [g.benchmarks.map((b) => el("th", {}, b.title)), el("th", {}, "avg")]));
      const body = el("tbody", {}, data.rows.map((row) => el("tr", {},
        el("td", {}, el("a", { href: "#/run/" + row.run }, "#" + row.run + " " + row.model)),
        data.groups.map((g) => [g.benchmarks.map((b) => {
          const cell = row.scores[b.id];
          return el("td", { class: "num" }, cell ? score(cell.score) + (cell.rule_only ? "†" : "") + (cell.sample_set ? "*" : "") : "–");
        }), el("td", { class: "num avg" }, score(row.group_averages[g.id]))]),
        el("td", { class: "num avg" }, score(row.overall)))));
      const charts = el("div", { class: "charts", id: "charts" });
      const series = data.groups.map((g) => ({ title: g.title, values: data.rows.map((r) => r.group_averages[g.id]) }));
      series.push({ title: "Overall", values: data.rows.map((r) => r.overall) });
      for (const s of series) charts.appendChild(barChart(s.title, data.rows.map((r) => "#" + r.run), s.values));
      show(el("h1", {}, "Paper table"), el("div", { class: "scroll" }, el("table", { id: "paper-table" }, el("thead", {}, head1, head2), body)),
        el("p", { class: "muted" }, data.notes.join(" ")), el("h2", {}, "Group averages"), charts);
    }
    function barChart(title, labels, values) {
      const width = 260, barHeight = 18, height = labels.length * (barHeight + 6) + 24;
      const chart = svg("svg", { width, height, viewBox: "0 0 " + width + " " + height, class: "chart" });
      chart.appendChild(svg("text", { x: 0, y: 14, class: "chart-title" }, title));
      labels.forEach((label, i) => {
        const y = 22 + i * (barHeight + 6);
        const value = values[i];
        chart.appendChild(svg("text", { x: 0, y: y + 13, class: "chart-label" }, label));
        const w = value === null || value === undefined ? 0 : Math.max(0, Math.min(100, value)) * 1.6;
        chart.appendChild(svg("rect", { x: 50, y, width: w, height: barHeight, class: "bar bar-" + (i % 6) }));
        chart.appendChild(svg("text", { x: 54 + w, y: y + 13, class: "chart-label" }, score(value)));
      });
      return el("figure", {}, chart);
    }

    // ---- A run and its suites -------------------------------------------------------------------------------------
    async function runPage(runID) {
      const data = await api("/api/runs/" + enc(runID));
      const run = data.run;
      setCrumbs(["Runs", "#/"], "Run " + run.id);
      const body = el("tbody", {}, data.suites.map((s) => el("tr", { class: "suite-row" },
        el("td", {}, el("a", { href: "#/run/" + run.id + "/suite/" + enc(s.suite), class: "suite-link" }, s.suite)),
        el("td", {}, s.title), el("td", {}, s.group), el("td", {}, s.headline_metric),
        el("td", { class: "num" }, score(s.headline)), el("td", { class: "num" }, String(s.samples)),
        el("td", { class: "num" }, s.unparsed === null ? "–" : String(s.unparsed)),
        el("td", { class: "num" }, s.errors === null ? "–" : String(s.errors)),
        el("td", { class: "profile", title: s.scoring_profile_note || "" },
          s.scoring_profile + (s.scoring_profile_note ? " (" + s.scoring_profile_note + ")" : "")))));
      show(el("h1", {}, "Run " + run.id + ": " + run.model),
        el("dl", { class: "facts" }, [["model spec", run.model_spec], ["status", run.status], ["created", run.created_at],
          ["finished", run.finished_at || "–"], ["prompt profile", run.prompt_profile], ["scoring profile", run.scoring_profile],
          ["repeats", String(run.repeats)], ["harness", run.harness_version + (run.git_revision ? " @ " + run.git_revision : "")]]
          .map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
        el("table", { id: "suites-table" }, el("thead", {}, el("tr", {}, ["suite", "title", "group", "metric", "score",
          "samples", "unparsed", "errors", "scoring profile"].map((h) => el("th", {}, h)))), body));
    }

    // ---- Samples of a suite -------------------------------------------------------------------------------------
    async function samplesPage(runID, suite, query) {
      setCrumbs(["Runs", "#/"], ["Run " + runID, "#/run/" + enc(runID)], suite);
      const suiteInfo = await api("/api/runs/" + enc(runID) + "/suites/" + enc(suite));
      const [dimension, key] = (query.cell || "").split(":");
      const limit = 50;
      const offset = Number(query.offset || 0);
      const page = await api("/api/runs/" + enc(runID) + "/suites/" + enc(suite) + "/samples?" + queryText({
        status: query.status, min: query.min, max: query.max, dimension: dimension || "", key: key || "", q: query.q,
        sort: query.sort, offset, limit }));
      const status = el("select", { id: "status-filter" }, ["", "ok", "unparsed", "error"].map((s) =>
        el("option", { value: s, selected: (query.status || "") === s }, s || "any status")));
      const cell = el("select", { id: "cell-filter" }, el("option", { value: "" }, "any category/split"),
        Object.entries(suiteInfo.cells).map(([d, keys]) => keys.map((k) =>
          el("option", { value: d + ":" + k, selected: query.cell === d + ":" + k }, d + ": " + k))));
      const min = el("input", { id: "min-filter", type: "number", step: "any", placeholder: "min score", value: query.min || "" });
      const max = el("input", { id: "max-filter", type: "number", step: "any", placeholder: "max score", value: query.max || "" });
      const text = el("input", { id: "text-filter", type: "search", placeholder: "text in question or answer", value: query.q || "" });
      const sort = el("select", { id: "sort" }, [["id", "by id"], ["score", "lowest score first"], ["-score", "highest score first"]]
        .map(([v, l]) => el("option", { value: v, selected: (query.sort || "id") === v }, l)));
      const form = el("form", { class: "toolbar", id: "sample-filters", onsubmit: (event) => {
        event.preventDefault();
        location.hash = "#/run/" + enc(runID) + "/suite/" + enc(suite) + "?" + queryText({ status: status.value,
          cell: cell.value, min: min.value, max: max.value, q: text.value, sort: sort.value === "id" ? "" : sort.value });
      } }, status, cell, min, max, text, sort, el("button", { type: "submit", id: "apply-filters" }, "Apply"));
      const base = "#/run/" + enc(runID) + "/suite/" + enc(suite) + "/sample/";
      const body = el("tbody", {}, page.samples.map((s) => el("tr", { class: "sample-row" },
        el("td", {}, el("a", { href: base + enc(s.id) + "/repeat/" + s.repeat, class: "sample-link" }, s.id)),
        el("td", { class: "num" }, String(s.repeat)), el("td", { class: "status-" + s.status }, s.status),
        el("td", { class: "num" }, score(s.score)),
        el("td", { class: "answer" }, s.status === "error" ? "error: " + (s.error || "") : (s.extracted || "")))));
      function pageLink(label, newOffset, id) {
        if (newOffset < 0 || (newOffset >= page.total && !page.total_is_lower_bound) || (newOffset > offset && page.samples.length < limit)) return el("span", { class: "muted" }, label);
        return el("a", { id, href: "#/run/" + enc(runID) + "/suite/" + enc(suite) + "?" + queryText(Object.assign({}, query, { offset: newOffset })) }, label);
      }
      const shownEnd = Math.min(offset + page.samples.length, page.total);
      show(el("h1", {}, suiteInfo.title + " — run " + runID),
        el("p", { class: "muted" }, suiteInfo.headline_metric + " " + score(suiteInfo.headline) + " on " + suiteInfo.samples + " samples"),
        form,
        el("p", { id: "page-info" }, page.total === 0 ? "No sample matches." : (offset + 1) + "–" + shownEnd + " of " + page.total + (page.total_is_lower_bound ? "+" : "") + " ",
          pageLink("‹ previous", offset - limit, "prev-page"), " ", pageLink("next ›", offset + limit, "next-page")),
        el("table", { id: "sample-table" }, el("thead", {}, el("tr", {}, ["id", "repeat", "status", "score", "extracted answer"]
          .map((h) => el("th", {}, h)))), body));
    }

    // ---- One sample -----------------------------------------------------------------------------------------------
    function foldedResponse(response, thinking, id) {
      const box = el("div", { class: "response", id });
      if (response === null || response === undefined) { box.appendChild(el("p", { class: "muted" }, "no response")); return box; }
      const at = thinking ? response.indexOf(thinking) : -1;
      if (at < 0) {
        if (thinking) box.appendChild(el("details", {}, el("summary", {}, "thinking (" + thinking.length + " characters)"), el("pre", {}, thinking)));
        box.appendChild(el("pre", {}, response));
        return box;
      }
      box.appendChild(el("pre", {}, response.slice(0, at)));
      box.appendChild(el("details", { class: "think" }, el("summary", {}, "thinking (" + thinking.length + " characters) — click to unfold"),
        el("pre", {}, thinking)));
      box.appendChild(el("pre", {}, response.slice(at + thinking.length)));
      return box;
    }
    function drawShapes(layer, shapes, kind) {
      for (const shape of shapes || []) {
        const c = shape.coords;
        if (shape.type === "box") {
          layer.appendChild(svg("rect", { x: Math.min(c[0], c[2]), y: Math.min(c[1], c[3]), width: Math.abs(c[2] - c[0]),
            height: Math.abs(c[3] - c[1]), class: "shape " + kind, "vector-effect": "non-scaling-stroke" }));
        } else if (shape.type === "polygon") {
          layer.appendChild(svg("polygon", { points: c.map((p) => p[0] + "," + p[1]).join(" "), class: "shape " + kind,
            "vector-effect": "non-scaling-stroke" }));
        } else if (shape.type === "point") {
          const size = layer.dataset.unit === "1" ? 0.02 : 20;
          layer.appendChild(svg("path", { d: "M" + (c[0] - size) + " " + c[1] + "H" + (c[0] + size) + "M" + c[0] + " " + (c[1] - size) + "V" + (c[1] + size),
            class: "shape point " + kind, "vector-effect": "non-scaling-stroke" }));
        }
      }
    }
    function figure(detail, predictions) {
      const images = detail.images || [];
      if (images.length === 0) return el("p", { class: "muted" }, "no image");
      return el("div", { class: "images" }, images.map((image, index) => {
        const frame = el("div", { class: "frame" });
        const img = el("img", { src: image.url, alt: image.path, class: "sample-image", id: index === 0 ? "sample-image" : null });
        frame.appendChild(img);
        const overlay = index === 0 ? detail.overlay : null;
        if (overlay) {
          if (overlay.gold_mask) frame.appendChild(el("img", { src: overlay.gold_mask, alt: "gold mask", class: "mask" }));
          const extent = overlay.space === "unit" ? 1 : 1000;
          const layer = svg("svg", { viewBox: "0 0 " + extent + " " + extent, preserveAspectRatio: "none", class: "overlay", id: "overlay" });
          layer.dataset.unit = overlay.space === "unit" ? "1" : "0";
          drawShapes(layer, overlay.gold, "gold");
          for (const [shapes, kind] of predictions) drawShapes(layer, shapes, kind);
          frame.appendChild(layer);
        }
        return el("figure", {}, frame, el("figcaption", { class: "muted" }, image.path + (image.width ? " (" + image.width + "×" + image.height + ")" : "")));
      }), detail.overlay ? el("p", { class: "legend" }, el("span", { class: "key gold" }, "gold"),
        predictions.map(([, kind, label]) => el("span", { class: "key " + kind }, label))) : null);
    }
    function promptView(prompt) {
      if (!Array.isArray(prompt)) return el("p", { class: "muted" }, "no stored request");
      return el("div", { class: "prompt", id: "prompt" }, prompt.map((message) => el("div", { class: "message" },
        el("div", { class: "role" }, message.role),
        (message.content || []).map((part) => part.type === "image" ? el("div", { class: "muted" }, "[image " + part.path + "]")
          : el("pre", {}, part.text)))));
    }
    function answerFacts(detail, prefix) {
      return el("dl", { class: "facts" },
        el("dt", {}, "status"), el("dd", { class: "status-" + detail.status, id: prefix + "status" }, detail.status),
        el("dt", {}, "score"), el("dd", { id: prefix + "score" }, score(detail.score)),
        el("dt", {}, "extracted"), el("dd", {}, el("pre", { id: prefix + "extracted", class: "extracted" }, detail.extracted === null ? "–" : detail.extracted)),
        el("dt", {}, "parsed"), el("dd", {}, el("pre", {}, detail.parsed === null ? "–" : detail.parsed)),
        detail.error ? [el("dt", {}, "error"), el("dd", { class: "error" }, detail.error)] : null,
        el("dt", {}, "notes"), el("dd", {}, detail.notes.length ? el("ul", {}, detail.notes.map((n) => el("li", {}, n))) : "–"),
        Object.keys(detail.measures).length ? [el("dt", {}, "measures"), el("dd", {}, Object.entries(detail.measures)
          .map(([k, v]) => k + "=" + Number(v).toFixed(4)).join(", "))] : null,
        el("dt", {}, "tokens / latency"), el("dd", {}, tokenText(detail) +
          (detail.latency_ms === null ? "no latency" : Math.round(detail.latency_ms) + " ms")));
    }
    function tokenText(detail) {
      if (detail.prompt_tokens == null && detail.completion_tokens == null) return "not reported, ";
      return (detail.prompt_tokens ?? "?") + " prompt + " + (detail.completion_tokens ?? "?") + " generated tokens, ";
    }
    function goldView(detail) {
      return el("div", {}, el("h2", {}, "Gold"), el("pre", { id: "gold", class: "gold-text" }, detail.gold === null ? "–" : detail.gold),
        detail.record_problem ? el("p", { class: "error" }, detail.record_problem) : null,
        detail.record ? el("details", {}, el("summary", {}, "suite record"), el("pre", {}, JSON.stringify(detail.record, null, 2))) : null);
    }
    function judgeView(exchanges) {
      if (!exchanges || exchanges.length === 0) return null;
      return el("div", { id: "judge" }, el("h2", {}, "Judge calls (" + exchanges.length + ")"),
        exchanges.map((x, i) => el("details", { class: "judge-call", open: i === exchanges.length - 1 ? "" : null },
          el("summary", {}, "call " + (i + 1) + ": " + JSON.stringify(x.settings) + (x.failure !== null ? " — failed" : "")),
          el("h3", {}, "Prompt"), el("pre", {}, x.prompt === null ? "(not recorded)" : x.prompt),
          el("h3", {}, x.failure !== null ? "Failure" : "Reply"),
          el("pre", { class: "judge-reply" }, x.failure !== null ? x.failure : x.reply))));
    }
    async function samplePage(runID, suite, sampleID, repeat) {
      setCrumbs(["Runs", "#/"], ["Run " + runID, "#/run/" + enc(runID)], [suite, "#/run/" + enc(runID) + "/suite/" + enc(suite)], sampleID);
      const d = await api("/api/runs/" + enc(runID) + "/suites/" + enc(suite) + "/samples/" + enc(sampleID) + "?repeat=" + enc(repeat));
      const repeats = d.repeats.length > 1 ? el("p", {}, "repeats: ", d.repeats.map((r) => [el("a", {
        href: "#/run/" + enc(runID) + "/suite/" + enc(suite) + "/sample/" + enc(sampleID) + "/repeat/" + r, class: r === d.repeat ? "current" : "" }, String(r)), " "])) : null;
      show(el("h1", {}, suite + " / " + d.id + " (repeat " + d.repeat + ")"), repeats,
        el("div", { class: "columns" },
          el("div", {}, figure(d, [[d.overlay && d.overlay.predicted, "pred-a", "predicted"]]), goldView(d)),
          el("div", {}, el("h2", {}, "Answer"), answerFacts(d, ""), el("h2", {}, "Raw response"),
            foldedResponse(d.response, d.thinking, "response"),
            judgeView(d.judge_exchanges))),
        el("h2", {}, "Prompt as sent"), promptView(d.prompt),
        el("p", { class: "muted" }, "parameters: " + JSON.stringify(d.parameters)));
    }

    // ---- Two runs side by side ------------------------------------------------------------------------------------
    async function diffPickPage() {
      setCrumbs(["Runs", "#/"], "Compare");
      const data = await api("/api/runs");
      const options = () => data.runs.map((r) => el("option", { value: r.id }, "#" + r.id + " " + r.model + " (" + r.created_at.slice(0, 10) + ")"));
      const a = el("select", { id: "pick-a" }, options()), b = el("select", { id: "pick-b" }, options());
      if (data.runs.length > 1) a.value = data.runs[1].id;
      show(el("h1", {}, "Compare two runs"), el("form", { class: "toolbar", onsubmit: (e) => { e.preventDefault(); location.hash = "#/diff/" + a.value + "/" + b.value; } },
        "A ", a, " B ", b, el("button", { type: "submit", id: "compare" }, "Compare")));
    }
    async function diffPage(a, b, query) {
      setCrumbs(["Runs", "#/"], ["Compare", "#/diff"], "A=" + a + " B=" + b);
      const offset = Number(query.offset || 0), limit = 50;
      const d = await api("/api/diff?" + queryText({ a, b, force: query.force, flips: query.flips, suite: query.suite, offset, limit }));
      const diffRow = (r) => el("tr", { class: r.key === null ? "headline" : "cell" },
        el("td", {}, r.key === null ? r.suite : "  " + r.dimension + ": " + r.key), el("td", { class: "num" }, String(r.n)),
        el("td", { class: "num" }, score(r.a)), el("td", { class: "num" }, score(r.b)),
        el("td", { class: "num " + (r.delta > 0 ? "up" : r.delta < 0 ? "down" : "") }, signed(r.delta)),
        el("td", { class: "num" }, r.ci_lower === null ? "–" : "[" + signed(r.ci_lower) + ", " + signed(r.ci_upper) + "]"),
        el("td", { class: "num" }, r.p === null ? "–" : (r.p < 0.0001 ? "<0.0001" : Number(r.p).toFixed(4))),
        el("td", { class: "num up" }, String(r.improved)), el("td", { class: "num down" }, String(r.regressed)));
      const diffHead = () => el("thead", {}, el("tr", {}, ["benchmark", "n", "A", "B", "Δ", "95% CI of Δ", "p", "improved", "regressed"].map((h) => el("th", {}, h))));
      const headlines = d.rows.filter((r) => r.key === null), cells = d.rows.filter((r) => r.key !== null);
      const direction = el("select", { id: "flip-direction" }, [["all", "all flips"], ["improved", "improved (B better)"], ["regressed", "regressed (B worse)"]]
        .map(([v, l]) => el("option", { value: v, selected: (query.flips || "all") === v }, l)));
      const suites = [...new Set(d.rows.map((r) => r.suite))];
      const suite = el("select", { id: "flip-suite" }, el("option", { value: "" }, "every suite"), suites.map((s) => el("option", { value: s, selected: query.suite === s }, s)));
      const form = el("form", { class: "toolbar", onsubmit: (e) => { e.preventDefault();
        location.hash = "#/diff/" + a + "/" + b + "?" + queryText({ flips: direction.value === "all" ? "" : direction.value, suite: suite.value, force: query.force }); } },
        direction, suite, el("button", { type: "submit", id: "apply-flips" }, "Show"));
      const flips = el("tbody", {}, d.flips.map((f) => el("tr", { class: "flip-row " + f.direction },
        el("td", {}, f.suite), el("td", {}, el("a", { class: "flip-link", href: "#/diff/" + a + "/" + b + "/suite/" + enc(f.suite) + "/sample/" + enc(f.id) + "/repeat/" + f.repeat }, f.id)),
        el("td", { class: f.direction === "improved" ? "up" : "down" }, f.direction),
        el("td", { class: "num" }, score(f.a.score)), el("td", { class: "num" }, score(f.b.score)),
        el("td", { class: "answer" }, f.a.status === "error" ? "error" : (f.a.extracted || "")),
        el("td", { class: "answer" }, f.b.status === "error" ? "error" : (f.b.extracted || "")))));
      const more = (label, o) => o < 0 || o >= d.flips_total ? el("span", { class: "muted" }, label) :
        el("a", { href: "#/diff/" + a + "/" + b + "?" + queryText(Object.assign({}, query, { offset: o })) }, label);
      show(el("h1", {}, "B = run " + b + " (" + d.run_b.model_spec + ") against A = run " + a + " (" + d.run_a.model_spec + ")"),
        el("p", { class: "muted" }, "Δ = B − A in points; 95% CI: paired bootstrap over clusters of samples sharing images (" + d.bootstrap.replicates + " resamples, seed " + d.bootstrap.seed + "), as `ocular diff` computes."),
        d.forced.length ? el("p", { class: "error" }, "forced: " + d.forced.join("; ")) : null,
        el("div", { class: "columns diff" },
          el("div", {}, el("table", { id: "diff-table" }, diffHead(), el("tbody", {}, headlines.map(diffRow))),
            cells.length ? el("details", { id: "diff-cells" }, el("summary", {}, "by " + d.dimension + " (" + cells.length + " cells)"),
              el("table", {}, diffHead(), el("tbody", {}, cells.map(diffRow)))) : null),
          el("div", {}, el("h2", {}, "Flipped samples (" + d.flips_total + ")"), form,
            el("p", {}, more("‹ previous", offset - limit), " ", more("next ›", offset + limit)),
            el("table", { id: "flips-table" }, el("thead", {}, el("tr", {}, ["suite", "id", "change", "A", "B", "A answer", "B answer"].map((h) => el("th", {}, h)))), flips))));
    }
    async function pairPage(a, b, suite, sampleID, repeat) {
      setCrumbs(["Runs", "#/"], ["A=" + a + " B=" + b, "#/diff/" + a + "/" + b], suite + " / " + sampleID);
      const path = (run) => "/api/runs/" + enc(run) + "/suites/" + enc(suite) + "/samples/" + enc(sampleID) + "?repeat=" + enc(repeat);
      const [da, db] = await Promise.all([api(path(a)), api(path(b))]);
      const overlay = da.overlay;
      const detail = Object.assign({}, da, { overlay: overlay ? Object.assign({}, overlay, { predicted: [] }) : null });
      show(el("h1", {}, suite + " / " + sampleID + " (repeat " + repeat + ")"),
        el("div", { class: "columns" },
          el("div", {}, figure(detail, [[da.overlay && da.overlay.predicted, "pred-a", "A predicted"], [db.overlay && db.overlay.predicted, "pred-b", "B predicted"]]), goldView(da)),
          el("div", { class: "pair" },
            el("div", { id: "side-a" }, el("h2", {}, "A = run " + a), answerFacts(da, "a-"), foldedResponse(da.response, da.thinking, "response-a")),
            el("div", { id: "side-b" }, el("h2", {}, "B = run " + b), answerFacts(db, "b-"), foldedResponse(db.response, db.thinking, "response-b")))),
        el("h2", {}, "Prompt as sent (A)"), promptView(da.prompt));
    }

    route();
    """#
}
