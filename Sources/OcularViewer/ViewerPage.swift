/// The viewer's page: one HTML document, its script and its style sheet, embedded in the binary (no CDN, nothing
/// fetched from elsewhere).
enum ViewerPage {
  /// The HTML document; the script draws every view into `#main`.
  static let html = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Ocular viewer</title>
    <link rel="stylesheet" href="/app.css">
    </head>
    <body>
    <header><a href="#/" class="brand">Ocular</a> <nav id="crumbs"></nav>
    <span class="links"><a href="#/">runs</a> <a href="#/diff">compare</a></span></header>
    <main id="main"><p class="muted">Loading…</p></main>
    <script src="/app.js"></script>
    </body>
    </html>

    """

  /// The style sheet.
  static let style = """
    :root { --fg: #1d232b; --muted: #67707c; --line: #d9dee5; --bg: #f6f7f9; --up: #13795b; --down: #b3261e; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
    header { display: flex; gap: 1em; align-items: baseline; padding: 8px 16px; background: #fff; border-bottom: 1px solid var(--line); }
    header .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
    header .links { margin-left: auto; display: flex; gap: 1em; }
    main { padding: 12px 16px 40px; }
    h1 { font-size: 20px; margin: 4px 0 10px; }
    h2 { font-size: 15px; margin: 16px 0 6px; }
    a { color: #1c5fb8; }
    table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
    th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
    th { background: #eef1f5; font-weight: 600; }
    th.group { text-align: center; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    td.avg { font-weight: 600; }
    td.answer { max-width: 16em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-family: ui-monospace, monospace; }
    tr.headline td { font-weight: 600; background: #fafbfc; }
    .scroll { overflow-x: auto; max-width: 100%; }
    #paper-table { font-size: 12.5px; }
    .muted { color: var(--muted); }
    .error { color: var(--down); }
    .up { color: var(--up); }
    .down { color: var(--down); }
    .status-ok, .status-completed { color: var(--up); }
    .status-unparsed, .status-interrupted, .status-running { color: #946200; }
    .status-error { color: var(--down); }
    .tag { display: inline-block; padding: 0 6px; margin: 0 4px 2px 0; border-radius: 8px; background: #e6ecf5; font-size: 12px; }
    .toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
    input, select, button { font: inherit; padding: 3px 6px; }
    button { cursor: pointer; }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
    dl.facts dt { color: var(--muted); }
    dl.facts dd { margin: 0; }
    pre { white-space: pre-wrap; word-break: break-word; margin: 2px 0; padding: 6px 8px; background: #fff; border: 1px solid var(--line); font: 12.5px/1.4 ui-monospace, monospace; max-height: 28em; overflow: auto; }
    pre.extracted, pre.gold-text { font-weight: 600; }
    details.think { border-left: 3px solid #c9d3e0; padding-left: 6px; margin: 4px 0; }
    summary { cursor: pointer; color: var(--muted); }
    .columns { display: grid; grid-template-columns: minmax(280px, 1fr) minmax(320px, 1fr); gap: 20px; }
    .columns > div, .pair > div { min-width: 0; }
    .columns.diff { display: block; }
    .columns.diff table { margin-bottom: 8px; }
    dl.facts dd { overflow-wrap: anywhere; }
    .pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; }
    .pair dl.facts { grid-template-columns: max-content minmax(0, 1fr); }
    .images figure { margin: 0 0 10px; }
    .frame { position: relative; display: inline-block; max-width: 100%; line-height: 0; border: 1px solid var(--line); background: #fff; }
    .frame img.sample-image { max-width: 100%; max-height: 520px; display: block; }
    .frame img.mask { position: absolute; inset: 0; width: 100%; height: 100%; opacity: 0.35; mix-blend-mode: multiply; pointer-events: none; }
    .frame svg.overlay { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; }
    .shape { fill: none; stroke-width: 3; }
    .shape.gold { stroke: #0fa958; }
    .shape.pred-a { stroke: #e0262d; stroke-dasharray: 6 3; }
    .shape.pred-b { stroke: #1f6fe5; stroke-dasharray: 2 3; }
    .legend .key { margin-right: 12px; font-weight: 600; }
    .legend .key.gold { color: #0fa958; }
    .legend .key.pred-a { color: #e0262d; }
    .legend .key.pred-b { color: #1f6fe5; }
    .prompt .message { margin-bottom: 8px; }
    .prompt .role { font-weight: 600; color: var(--muted); text-transform: uppercase; font-size: 11px; }
    .charts { display: flex; flex-wrap: wrap; gap: 16px; }
    .charts figure { margin: 0; background: #fff; border: 1px solid var(--line); padding: 6px; }
    .chart-title { font-weight: 600; font-size: 12px; }
    .chart-label { font-size: 11px; fill: var(--fg); }
    .bar-0 { fill: #4c78a8; } .bar-1 { fill: #f58518; } .bar-2 { fill: #54a24b; }
    .bar-3 { fill: #e45756; } .bar-4 { fill: #72b7b2; } .bar-5 { fill: #b279a2; }
    a.current { font-weight: 700; text-decoration: none; color: var(--fg); }
    #crumbs a { color: var(--muted); }

    """
}
