// The dashlog report page: reads the JSON embedded in the page and draws it with ECharts.
// Everything from the logs is put in the page with textContent (never innerHTML), and tooltip
// text goes through esc(), so a message can only ever show up as text.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("dashlog-data").textContent);
  var app = document.getElementById("app");
  var LEVELS = ["debug", "info", "warn", "error", "fatal"];
  var PALETTE = ["#4f6bed", "#16a394", "#e8871e", "#c2459d", "#7a5af8", "#2e9fd8", "#8c9a1b", "#d9534f", "#5c6b7a", "#b8860b"];
  var charts = [];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return "&#" + c.charCodeAt(0) + ";";
    });
  }

  function plural(n, word) {
    return n.toLocaleString("en-US") + " " + word + (n === 1 ? "" : "s");
  }

  function pad(n, width) {
    var s = String(n);
    while (s.length < (width || 2)) s = "0" + s;
    return s;
  }

  // Times are shown in UTC, like the stored records, so the page reads the same everywhere.
  function fmtTime(ms, withMs) {
    if (ms === null || ms === undefined || !isFinite(ms)) return "–";
    var d = new Date(ms);
    var s = d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
    return withMs ? s + "." + pad(d.getUTCMilliseconds(), 3) : s;
  }

  function fmtClock(ms) {
    var d = new Date(ms);
    return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
  }

  function fmtDuration(ms) {
    if (ms === null || ms === undefined || !isFinite(ms)) return "–";
    if (ms < 1) return ms.toFixed(2) + " ms";
    if (ms < 1000) return Math.round(ms) + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + " s";
    var s = Math.round(ms / 1000);
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    return (h > 0 ? h + " h " : "") + m + " min " + (h > 0 ? "" : (s % 60) + " s");
  }

  function fmtNumber(n) {
    if (!isFinite(n)) return String(n);
    var abs = Math.abs(n);
    if (abs !== 0 && (abs < 0.001 || abs >= 1e9)) return n.toExponential(2);
    return n.toLocaleString("en-US", { maximumFractionDigits: abs < 1 ? 4 : 2 });
  }

  function fmtBytes(n) {
    var units = ["B", "KiB", "MiB", "GiB", "TiB"];
    var i = 0;
    var v = Math.abs(n);
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return (n < 0 ? "-" : "") + (i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)) + " " + units[i];
  }

  function fmtUnit(unit) {
    if (unit === "bytes") return fmtBytes;
    if (unit === "percent") return function (v) { return fmtNumber(Math.round(v * 10) / 10) + " %"; };
    if (unit === "ms") return function (v) { return fmtNumber(v) + " ms"; };
    return fmtNumber;
  }

  function section(title, id) {
    var s = el("section", "panel");
    s.id = id;
    var h = el("h2", null, title);
    s.appendChild(h);
    app.appendChild(s);
    return s;
  }

  // ---- header --------------------------------------------------------------------------
  function renderHeader() {
    var header = el("header", "top");
    var crumbs = el("h1", "prefix");
    var parts = data.prefix.split("/");
    parts.forEach(function (part, i) {
      if (i > 0) crumbs.appendChild(el("span", "sep", "/"));
      crumbs.appendChild(el("span", i === parts.length - 1 ? "leaf" : "seg", part));
    });
    header.appendChild(crumbs);
    var line = el("div", "headline");
    var badge = el("span", "status status-" + data.status.toLowerCase(), data.status);
    badge.id = "status";
    line.appendChild(badge);
    var run = data.runs.length > 0 ? data.runs[data.runs.length - 1] : null;
    var facts = [];
    if (run) {
      var started = Date.parse(run.startedAt);
      var ended = run.endedAt ? Date.parse(run.endedAt) : null;
      facts.push("started " + fmtTime(started));
      facts.push(ended !== null ? "took " + fmtDuration(ended - started) : "still running");
      if (data.runs.length > 1) facts.push("run " + data.runs.length + " of " + data.runs.length);
      if (run.hostname) facts.push("on " + run.hostname + (run.pid ? " (pid " + run.pid + ")" : ""));
    }
    line.appendChild(el("span", "facts", facts.join(" · ")));
    header.appendChild(line);
    if (run && run.error) {
      header.appendChild(el("p", "run-error", run.error.name + ": " + run.error.message));
    }
    app.appendChild(header);
  }

  // ---- summary -------------------------------------------------------------------------
  function card(parent, label, value, detail, extraClass) {
    var c = el("div", "card" + (extraClass ? " " + extraClass : ""));
    c.appendChild(el("div", "card-label", label));
    c.appendChild(el("div", "card-value", value));
    if (detail) c.appendChild(detail);
    parent.appendChild(c);
    return c;
  }

  function renderSummary() {
    var s = el("section", "summary");
    s.id = "summary";
    var sum = data.summary;
    var chips = el("div", "chips");
    LEVELS.forEach(function (level) {
      if (!sum.levels[level]) return;
      var chip = el("span", "chip lvl-" + level);
      chip.appendChild(el("b", null, sum.levels[level].toLocaleString("en-US")));
      chip.appendChild(document.createTextNode(" " + level));
      chips.appendChild(chip);
    });
    card(s, "Log records", sum.records.toLocaleString("en-US"), chips);
    var span = sum.firstTime !== null && sum.lastTime !== null ? sum.lastTime - sum.firstTime : null;
    card(s, "Time span", fmtDuration(span), el("div", "card-detail", fmtTime(sum.firstTime) + " → " + (sum.lastTime !== null ? fmtClock(sum.lastTime) : "–") + " UTC"));
    var streamList = el("div", "card-detail");
    streamList.textContent = sum.streams.map(function (st) { return st.name + " " + st.records.toLocaleString("en-US"); }).join(" · ");
    card(s, "Streams", String(sum.streams.length), streamList);
    var problems = (sum.levels.error || 0) + (sum.levels.fatal || 0);
    card(s, "Errors", String(problems), el("div", "card-detail", plural(sum.levels.warn || 0, "warning") + (sum.unreadable ? " · " + plural(sum.unreadable, "unreadable line") : "")), problems > 0 ? "bad" : "good");
    card(s, "Spans", data.timeline.spans.length.toLocaleString("en-US"), el("div", "card-detail", plural(data.timeline.lanes.length, "lane") + (data.timeline.source ? " · from " + data.timeline.source : "")));
    app.appendChild(s);
  }

  // ---- runs ----------------------------------------------------------------------------
  function renderRuns() {
    if (data.runs.length < 2) return;
    var s = section("Runs", "runs");
    var table = el("table", "grid runs");
    var head = el("tr");
    ["run", "status", "started", "duration", "sequence numbers", "error"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    data.runs.forEach(function (run) {
      var tr = el("tr");
      var started = Date.parse(run.startedAt);
      tr.appendChild(el("td", "mono", run.runId));
      var st = el("td");
      st.appendChild(el("span", "status small status-" + run.status.toLowerCase(), run.status));
      tr.appendChild(st);
      tr.appendChild(el("td", "mono", fmtTime(started)));
      tr.appendChild(el("td", "num", run.endedAt ? fmtDuration(Date.parse(run.endedAt) - started) : "running"));
      tr.appendChild(el("td", "num mono", run.firstSequenceNumber + " – " + (run.nextSequenceNumber !== null ? run.nextSequenceNumber - 1 : "…")));
      tr.appendChild(el("td", "err", run.error ? run.error.name + ": " + run.error.message : ""));
      body.appendChild(tr);
    });
    table.appendChild(body);
    s.appendChild(table);
  }

  // ---- charts --------------------------------------------------------------------------
  function chartBox(parent, id, title, subtitle, height) {
    var box = el("figure", "chart-card");
    var cap = el("figcaption");
    cap.appendChild(el("span", "chart-title", title));
    if (subtitle) cap.appendChild(el("span", "chart-sub", subtitle));
    box.appendChild(cap);
    var div = el("div", "chart");
    div.setAttribute("data-chart", id);
    div.style.height = height + "px";
    box.appendChild(div);
    parent.appendChild(box);
    return div;
  }

  function mount(div, option) {
    var chart = echarts.init(div, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }

  var AXIS = { axisLine: { lineStyle: { color: "#c9ced6" } }, axisLabel: { color: "#5b6472" }, splitLine: { lineStyle: { color: "#eef0f3" } } };

  function timeAxisLabel(value) {
    return fmtClock(value);
  }

  function renderTimeline() {
    var s = section("Timeline", "timeline");
    var tl = data.timeline;
    if (tl.spans.length === 0) {
      s.appendChild(el("p", "empty", "No spans were recorded. Record them with exp.span(category, id, fn) and the spanDurations() or coreMetrics() consumer of @dashlog/events."));
      return;
    }
    if (tl.omitted > 0) s.appendChild(el("p", "note", tl.omitted + " short spans are left out; the " + tl.spans.length + " longest are drawn."));
    var categories = [];
    tl.spans.forEach(function (sp) { if (categories.indexOf(sp.category) < 0) categories.push(sp.category); });
    var min = Infinity;
    var max = -Infinity;
    tl.spans.forEach(function (sp) { min = Math.min(min, sp.start); max = Math.max(max, sp.end); });
    var div = chartBox(s, "timeline", "Spans per category", "from stream " + tl.source + " · scroll or drag the slider to zoom", 90 + tl.lanes.length * 34);
    mount(div, {
      animation: false,
      color: PALETTE,
      tooltip: {
        confine: true,
        formatter: function (p) {
          var sp = tl.spans[p.value[4]];
          return "<b>" + esc(sp.category) + " " + esc(sp.id) + "</b><br>" + esc(fmtDuration(sp.durationMs)) + (sp.unfinished ? " (never finished)" : "") + (sp.failed ? " · <span style=\"color:#d33\">failed</span>" : "") + "<br><span style=\"color:#888\">" + esc(fmtTime(sp.start, true)) + " UTC</span>";
        },
      },
      grid: { left: 12, right: 24, top: 8, bottom: 52, containLabel: true },
      xAxis: Object.assign({ type: "time", min: min, max: max, axisLabel: { color: "#5b6472", formatter: timeAxisLabel, hideOverlap: true } }, { axisLine: AXIS.axisLine, splitLine: { show: true, lineStyle: { color: "#eef0f3" } } }),
      yAxis: { type: "category", data: tl.lanes, inverse: true, axisTick: { show: false }, axisLine: AXIS.axisLine, axisLabel: { color: "#2b3340", fontWeight: 600 } },
      dataZoom: [
        { type: "inside", filterMode: "weakFilter" },
        { type: "slider", filterMode: "weakFilter", height: 16, bottom: 8, labelFormatter: function (v) { return fmtClock(v); } },
      ],
      series: [
        {
          type: "custom",
          encode: { x: [1, 2], y: 0 },
          renderItem: function (params, api) {
            var lane = api.value(0);
            var a = api.coord([api.value(1), lane]);
            var b = api.coord([api.value(2), lane]);
            var h = api.size([0, 1])[1] * 0.62;
            var rect = echarts.graphic.clipRectByRect(
              { x: a[0], y: a[1] - h / 2, width: Math.max(b[0] - a[0], 2), height: h },
              { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height },
            );
            return rect && { type: "rect", shape: Object.assign(rect, { r: 3 }), style: api.style() };
          },
          data: tl.spans.map(function (sp, i) {
            var color = PALETTE[categories.indexOf(sp.category) % PALETTE.length];
            return {
              value: [sp.lane, sp.start, sp.end, sp.durationMs, i],
              itemStyle: {
                color: color,
                opacity: sp.unfinished ? 0.45 : 0.9,
                borderColor: sp.failed ? "#d33" : color,
                borderWidth: sp.failed ? 2 : 0,
              },
            };
          }),
        },
      ],
    });
  }

  function renderCharts(kind, title, id, empty) {
    var list = data.charts.filter(function (c) { return c.kind === kind; });
    var s = section(title, id);
    if (list.length === 0) {
      s.appendChild(el("p", "empty", empty));
      return;
    }
    var grid = el("div", "chart-grid");
    s.appendChild(grid);
    list.forEach(function (c) {
      var div = chartBox(grid, c.id, c.title, c.subtitle, 240);
      var format = fmtUnit(c.unit);
      var many = c.series.length > 1;
      mount(div, {
        animation: false,
        color: PALETTE,
        tooltip: { trigger: "axis", confine: true, valueFormatter: format, axisPointer: { type: "line" } },
        legend: many ? { top: 0, left: 0, type: "scroll", icon: "roundRect", itemWidth: 12, itemHeight: 4, textStyle: { color: "#5b6472" } } : { show: false },
        grid: { left: 8, right: 16, top: many ? 30 : 12, bottom: c.x === "value" ? 30 : 8, containLabel: true },
        xAxis: c.x === "time"
          ? { type: "time", axisLine: AXIS.axisLine, axisLabel: { color: "#5b6472", formatter: timeAxisLabel, hideOverlap: true }, splitLine: { show: false } }
          : { type: "value", scale: true, name: c.xName, nameLocation: "middle", nameGap: 24, nameTextStyle: { color: "#5b6472" }, axisLine: AXIS.axisLine, axisLabel: { color: "#5b6472" }, splitLine: { show: false } },
        yAxis: { type: "value", scale: true, axisLabel: { color: "#5b6472", formatter: format }, splitLine: AXIS.splitLine },
        series: c.series.map(function (se) {
          return {
            type: "line",
            name: se.name,
            data: se.points,
            showSymbol: se.points.length <= 40,
            symbolSize: 5,
            sampling: "lttb",
            lineStyle: { width: 2 },
            areaStyle: many ? undefined : { opacity: 0.08 },
            emphasis: { focus: "series" },
          };
        }),
      });
    });
  }

  // ---- logs ----------------------------------------------------------------------------
  function renderLogs() {
    var s = section("Logs", "logs");
    var logs = data.logs;
    var hidden = {};
    var toolbar = el("div", "toolbar");
    var filters = el("div", "level-filters");
    filters.setAttribute("role", "group");
    filters.setAttribute("aria-label", "Show levels");
    var counts = {};
    logs.rows.forEach(function (r) { counts[r[2]] = (counts[r[2]] || 0) + 1; });
    var table = el("table", "grid log-table");
    LEVELS.forEach(function (level) {
      var b = el("button", "level-toggle lvl-" + level);
      b.type = "button";
      b.setAttribute("data-level", level);
      b.setAttribute("aria-pressed", "true");
      b.appendChild(el("span", "dot"));
      b.appendChild(document.createTextNode(level + " "));
      b.appendChild(el("span", "count", (counts[level] || 0).toLocaleString("en-US")));
      b.addEventListener("click", function () {
        hidden[level] = !hidden[level];
        b.setAttribute("aria-pressed", hidden[level] ? "false" : "true");
        table.classList.toggle("hide-" + level, !!hidden[level]);
        update();
      });
      filters.appendChild(b);
    });
    toolbar.appendChild(filters);
    var search = el("input", "search");
    search.type = "search";
    search.placeholder = "Filter messages and metadata…";
    search.setAttribute("aria-label", "Filter messages and metadata");
    toolbar.appendChild(search);
    var shown = el("span", "shown");
    shown.id = "shown-count";
    toolbar.appendChild(shown);
    s.appendChild(toolbar);
    if (logs.omitted > 0) {
      s.appendChild(el("p", "note", logs.omitted.toLocaleString("en-US") + " of " + logs.total.toLocaleString("en-US") + " records are not in this page (warnings and errors are kept first, then the latest). Raise --max-rows to include more."));
    }

    var head = el("tr");
    [["#", "num"], ["time (UTC)", ""], ["level", ""], ["message", ""], ["metadata", ""]].forEach(function (h) { head.appendChild(el("th", h[1], h[0])); });
    table.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    var rows = [];
    var frag = document.createDocumentFragment();
    logs.rows.forEach(function (r) {
      var tr = el("tr", "lvl-" + r[2]);
      tr.setAttribute("data-level", r[2]);
      tr.appendChild(el("td", "num mono seq", r[0]));
      tr.appendChild(el("td", "mono time", fmtTime(r[1], true)));
      var lv = el("td", "level");
      lv.appendChild(el("span", "badge lvl-" + r[2], r[2]));
      tr.appendChild(lv);
      tr.appendChild(el("td", "msg", r[3]));
      var meta = el("td", "meta mono", r[4] === null ? "" : r[4]);
      if (r[4] !== null && r[4].length > 120) {
        meta.classList.add("long");
        meta.title = "click to expand";
        meta.addEventListener("click", function () {
          meta.classList.toggle("open");
        });
      }
      tr.appendChild(meta);
      frag.appendChild(tr);
      rows.push({ tr: tr, level: r[2], text: (r[3] + " " + (r[4] || "")).toLowerCase() });
    });
    body.appendChild(frag);
    table.appendChild(body);
    var wrap = el("div", "table-wrap");
    wrap.appendChild(table);
    s.appendChild(wrap);
    if (logs.rows.length === 0) s.appendChild(el("p", "empty", "No log records."));

    var query = "";
    function update() {
      var n = 0;
      rows.forEach(function (row) {
        var match = query === "" || row.text.indexOf(query) >= 0;
        row.tr.hidden = !match;
        if (match && !hidden[row.level]) n++;
      });
      shown.textContent = "showing " + n.toLocaleString("en-US") + " of " + rows.length.toLocaleString("en-US");
    }
    search.addEventListener("input", function () {
      query = search.value.trim().toLowerCase();
      update();
    });
    update();
  }

  function renderFooter() {
    var f = el("footer", "foot", "Generated by dashlog " + data.version + " at " + fmtTime(Date.parse(data.generatedAt)) + " UTC · self-contained: charts by Apache ECharts, no network needed");
    app.appendChild(f);
  }

  renderHeader();
  renderSummary();
  renderRuns();
  renderTimeline();
  renderCharts("metadata", "Metrics", "metrics", "No numbers in log metadata to plot. Log them as metadata, e.g. exp.log(\"Epoch done\", { metadata: { epoch, train_loss } }).");
  renderCharts("stream", "System", "system", "No numeric streams to plot. Add consumers such as memoryUsage(), cpuUsage() or eventLoopDelay() from @dashlog/events.");
  renderLogs();
  renderFooter();
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  document.documentElement.setAttribute("data-ready", "true");
})();
