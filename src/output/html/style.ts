/** The report's whole stylesheet: inline, so the file opens anywhere with no network. */
export const STYLE = `
:root { --ok: #1e8e3e; --ok-bg: #e6f4ea; --bad: #c5221f; --bad-bg: #fce8e6; --warn: #b06000; --warn-bg: #fef7e0;
  --info: #1967d2; --info-bg: #e8f0fe; --line: #dadce0; --muted: #5f6368; --bg: #f8f9fa; --cell: 18px; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #202124; background: var(--bg); }
header.top { background: #202124; color: #fff; padding: 16px 24px; }
header.top h1 { margin: 0; font-size: 20px; font-weight: 600; }
header.top .sub { color: #bdc1c6; font-size: 13px; }
main { padding: 16px 24px 48px; max-width: 1400px; }
section.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 16px 0; }
section.card > h2 { margin: 0 0 8px; font-size: 17px; }
.muted { color: var(--muted); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.verdict { display: inline-block; padding: 4px 12px; border-radius: 16px; font-weight: 600; }
.verdict.pass { background: var(--ok-bg); color: var(--ok); }
.verdict.fail { background: var(--bad-bg); color: var(--bad); }
.verdict.warn { background: var(--warn-bg); color: var(--warn); }
.stats { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 12px; }
.stat { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 130px; background: #fff; }
.stat b { display: block; font-size: 20px; }
.stat.bad b { color: var(--bad); }
.stat.ok b { color: var(--ok); }
.controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0 12px; }
.controls input[type=search] { padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; min-width: 280px; font: inherit; }
.controls select, .controls button { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
button.link { border: none; background: none; color: var(--info); cursor: pointer; padding: 0; font: inherit; }
table.plain { border-collapse: collapse; width: 100%; }
table.plain th, table.plain td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.plain th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
.legend { display: flex; gap: 16px; flex-wrap: wrap; font-size: 12.5px; color: var(--muted); margin: 6px 0; }
.legend span.sw { display: inline-block; width: 14px; height: 14px; border-radius: 3px; vertical-align: -2px; margin-right: 4px; border: 1px solid rgba(0,0,0,.1); }
.sw.iso, .cell.iso { background: var(--ok-bg); color: var(--ok); }
.sw.path, .cell.path { background: var(--bad); color: #fff; }
.sw.one, .cell.one { background: #fbbc04; color: #202124; }
.sw.self, .cell.self { background: #e8eaed; color: #9aa0a6; }
.groups td.g { text-align: center; cursor: pointer; font-weight: 600; }
.groups td.g.iso { background: var(--ok-bg); color: var(--ok); }
.groups td.g.path { background: var(--bad-bg); color: var(--bad); }
.groups td.g.one { background: var(--warn-bg); color: var(--warn); }
.groups td.g.sel { outline: 2px solid var(--info); outline-offset: -2px; }
.mgrid { display: grid; grid-template-columns: 200px minmax(0, 1fr); grid-template-rows: 120px auto; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; background: #fff; }
.mgrid .corner { font-size: 11px; color: var(--muted); padding: 6px; border-right: 1px solid var(--line); border-bottom: 1px solid var(--line); display: flex; align-items: flex-end; }
.mgrid .colhead, .mgrid .rowhead { overflow: hidden; position: relative; }
.mgrid .colhead { border-bottom: 1px solid var(--line); }
.mgrid .rowhead { border-right: 1px solid var(--line); }
.mgrid .body { overflow: auto; position: relative; max-height: 540px; }
.mgrid .sizer { position: relative; }
.mgrid .clabel { position: absolute; bottom: 2px; width: var(--cell); height: 114px; writing-mode: vertical-rl; transform: rotate(180deg); font-size: 11px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; padding: 2px 0; }
.mgrid .rlabel { position: absolute; left: 0; right: 0; height: var(--cell); font-size: 11px; line-height: var(--cell); padding: 0 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.cell { position: absolute; width: calc(var(--cell) - 1px); height: calc(var(--cell) - 1px); font-size: 11px; line-height: calc(var(--cell) - 1px); text-align: center; cursor: pointer; border-radius: 2px; }
.cell.selected { outline: 2px solid var(--info); z-index: 1; }
.empty { padding: 24px; color: var(--muted); }
#cell-details { margin-top: 12px; border-left: 4px solid var(--line); padding: 8px 12px; background: var(--bg); border-radius: 4px; }
#cell-details.path { border-left-color: var(--bad); }
#cell-details.one { border-left-color: #fbbc04; }
#cell-details.iso { border-left-color: var(--ok); }
#cell-details dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 6px 0 0; }
#cell-details dt { color: var(--muted); }
#cell-details dd { margin: 0; }
.qtenant { border-top: 1px solid var(--line); padding: 10px 0; }
.qtenant h3 { font-size: 14px; margin: 0 0 6px; font-weight: 600; }
.qtenant h3 .tag { font-weight: 500; font-size: 12px; padding: 1px 8px; border-radius: 10px; margin-left: 8px; }
.tag.fits { background: var(--ok-bg); color: var(--ok); }
.tag.over { background: var(--bad-bg); color: var(--bad); }
.qrows { display: grid; grid-template-columns: 160px repeat(4, minmax(120px, 1fr)); gap: 4px 12px; align-items: center; font-size: 12px; }
.qrows .hd { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .03em; }
.bar { position: relative; height: 16px; background: #f1f3f4; border-radius: 3px; overflow: hidden; }
.bar .fill { position: absolute; left: 0; top: 0; bottom: 0; background: #34a853; }
.bar.warn .fill { background: #fbbc04; }
.bar.over .fill { background: var(--bad); }
.bar .lbl { position: relative; padding-left: 6px; font-size: 11px; line-height: 16px; white-space: nowrap; }
.sev { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.sev.error { background: var(--bad-bg); color: var(--bad); }
.sev.warning { background: var(--warn-bg); color: var(--warn); }
.sev.info { background: var(--info-bg); color: var(--info); }
tr.finding td.msg { white-space: pre-wrap; word-break: break-word; }
tr.finding .hint { color: var(--muted); font-size: 12.5px; margin-top: 2px; }
.delta-open { background: var(--bad-bg); }
.delta-close { background: var(--ok-bg); }
.delta-gain { color: var(--bad); }
.delta-loss { color: var(--ok); }
.intent { display: inline-block; margin-left: 6px; padding: 0 8px; border-radius: 10px; font-size: 12px; }
.intent.declared { background: var(--ok-bg); color: var(--ok); }
.intent.undeclared { background: var(--warn-bg); color: var(--warn); }
.intent.review { background: var(--bad); color: #fff; font-weight: 600; }
.review { outline: 2px solid var(--bad); }
.verdict-findings { margin: 10px 0 0; padding-left: 22px; }
.verdict-findings li { margin: 4px 0; }
.caution { border-left: 4px solid var(--bad); background: var(--bad-bg); padding: 8px 12px; border-radius: 4px; margin: 8px 0; }
details > summary { cursor: pointer; }
noscript p { color: var(--warn); }
`;
