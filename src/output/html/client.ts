/**
 * The report's script, inline. It draws the matrix and the headroom bars from
 * the embedded data (data.ts) and filters the findings. Only the cells in
 * view exist in the page, so 10,000 tenants (10^8 pairs) scroll as 10 do.
 * Every value reaches the page through textContent or an attribute, never as
 * markup. Plain ES2017 in a string (no template literals inside), so no
 * bundler is needed and the file stays self-contained.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var dataEl = document.getElementById('report-data');
  if (!dataEl) return;
  var D = JSON.parse(dataEl.textContent);
  var T = D.tenants, N = T.length, PAGE = 20, LIST_MAX = 500;
  // Few tenants get cells large enough to read their marks; many get cells small enough to see a pattern.
  var CELL = N <= 40 ? 28 : 18;
  var pathAt = new Map();
  var onPath = new Uint8Array(N);
  D.paths.forEach(function (p, i) { pathAt.set(p[0] * N + p[1], i); onPath[p[0]] = 1; onPath[p[1]] = 1; });
  var state = { q: '', cols: true, onlyPaths: false, groupBy: 'tier', rowGroup: null, colGroup: null, selected: null, quotaShown: PAGE };
  var rows = [], cols = [];
  // Group by cluster only where there is more than one.
  if (new Set(T.map(function (t) { return t[3]; })).size > 1) state.groupBy = 'cluster';

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function nf(n) { return n.toLocaleString('en-US'); }
  function label(i) { return T[i][0]; }
  function ns(i) { return T[i][4] || T[i][0]; }
  function qualify(i, names) { return names.length ? names.map(function (n) { return ns(i) + '/' + n; }).join(', ') : 'none'; }
  function policies(i, dir) { return (D.tenantPolicies[i] ? D.tenantPolicies[i][dir === 'ingress' ? 0 : 1] : []).map(function (k) { return D.policyNames[k]; }); }
  function groupOf(i) {
    if (state.groupBy === 'tier') return T[i][2] || '(no tier)';
    if (state.groupBy === 'cluster') return T[i][3] || '(default cluster)';
    return 'all tenants';
  }
  function matches(i) {
    if (!state.q) return true;
    var t = T[i];
    return (t[0] + '\n' + t[1] + '\n' + t[4]).toLowerCase().indexOf(state.q) >= 0;
  }

  /** What decides a pair: the path's policies, or the policies that isolate each side. */
  function verdict(f, t) {
    if (f === t) return { cls: 'self', mark: '\u2013', head: label(f) + ': same tenant', rows: [] };
    var k = pathAt.get(f * N + t);
    var from = label(f), to = label(t);
    if (k === undefined) {
      var eg = policies(f, 'egress'), ing = policies(t, 'ingress');
      return {
        cls: 'iso', mark: '\u00b7', head: from + ' \u2192 ' + to + ': isolated',
        rows: [
          ['decided by', 'none of these admits the other tenant'],
          ['egress of ' + from, qualify(f, eg)],
          ['ingress of ' + to, qualify(t, ing)],
        ],
      };
    }
    var p = D.paths[k];
    var open = p[2];
    var head = open === 'both' ? from + ' \u2192 ' + to + ': PATH on ' + p[5]
      : open === 'ingress' ? from + ' \u2192 ' + to + ': ' + to + ' admits ' + from + ' on ' + p[5] + '; only the egress policies of ' + from + ' stop it'
      : from + ' \u2192 ' + to + ': ' + from + ' may send to ' + to + ' on ' + p[5] + '; only the ingress policies of ' + to + ' stop it';
    return {
      cls: open === 'both' ? 'path' : 'one', mark: open === 'both' ? '\u2717' : '!', head: head,
      rows: [
        ['example', p[3] + ' \u2192 ' + p[4]],
        ['ports', p[5]],
        ['egress allowed by', p[6].length ? p[6].join(', ') : (open === 'ingress' ? 'nothing (blocked by ' + qualify(f, policies(f, 'egress')) + ')' : 'no egress policy selects the source')],
        ['ingress allowed by', p[7].length ? p[7].join(', ') : (open === 'egress' ? 'nothing (blocked by ' + qualify(t, policies(t, 'ingress')) + ')' : 'no ingress policy selects the destination')],
      ],
    };
  }
  function titleOf(v) { return [v.head].concat(v.rows.map(function (r) { return r[0] + ': ' + r[1]; })).join('\n'); }

  function showDetails(f, t) {
    var box = $('cell-details');
    if (!box) return;
    var v = verdict(f, t);
    state.selected = [f, t];
    box.className = v.cls;
    box.textContent = '';
    box.appendChild(el('strong', null, v.head));
    var dl = el('dl');
    [['from', label(f) + ' \u2014 ' + T[f][1] + ' (' + ns(f) + ')'], ['to', label(t) + ' \u2014 ' + T[t][1] + ' (' + ns(t) + ')']].concat(v.rows).forEach(function (r) {
      dl.appendChild(el('dt', null, r[0]));
      dl.appendChild(el('dd', 'mono', r[1]));
    });
    box.appendChild(dl);
    box.hidden = false;
    drawGrid();
  }

  // ----- the grid: only the rows and columns in view are built
  var grid = $('matrix-grid');
  var body = grid && grid.querySelector('.body');
  var colhead = grid && grid.querySelector('.colhead');
  var rowhead = grid && grid.querySelector('.rowhead');
  if (grid) grid.style.setProperty('--cell', CELL + 'px');
  var pending = false;
  function schedule() { if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; drawGrid(); }); } }
  function drawGrid() {
    if (!grid) return;
    var bs = body.firstChild, cs = colhead.firstChild, rs = rowhead.firstChild;
    var w = cols.length * CELL, h = rows.length * CELL;
    bs.style.width = w + 'px'; bs.style.height = h + 'px';
    cs.style.width = w + 'px'; cs.style.height = '120px';
    rs.style.height = h + 'px';
    // The row labels scroll with the body, so they get its height, not their full one.
    body.style.height = Math.min(Math.max(h, 40), 540) + 17 + 'px';
    rowhead.style.height = body.style.height;
    bs.textContent = ''; cs.textContent = ''; rs.textContent = '';
    var empty = $('matrix-empty');
    empty.hidden = rows.length > 0 && cols.length > 0;
    if (!empty.hidden) return;
    var top = body.scrollTop, left = body.scrollLeft;
    var r0 = Math.floor(top / CELL), r1 = Math.min(rows.length, Math.ceil((top + body.clientHeight) / CELL) + 1);
    var c0 = Math.floor(left / CELL), c1 = Math.min(cols.length, Math.ceil((left + body.clientWidth) / CELL) + 1);
    var fb = document.createDocumentFragment(), fc = document.createDocumentFragment(), fr = document.createDocumentFragment();
    for (var c = c0; c < c1; c++) {
      var lc = el('div', 'clabel', label(cols[c]));
      lc.style.left = c * CELL + 'px';
      lc.title = label(cols[c]) + ' \u2014 ' + T[cols[c]][1];
      fc.appendChild(lc);
    }
    for (var r = r0; r < r1; r++) {
      var f = rows[r];
      var lr = el('div', 'rlabel', label(f));
      lr.style.top = r * CELL + 'px';
      lr.title = label(f) + ' \u2014 ' + T[f][1];
      fr.appendChild(lr);
      for (var c2 = c0; c2 < c1; c2++) {
        var t = cols[c2];
        var v = verdict(f, t);
        var cell = el('div', 'cell ' + v.cls, v.mark);
        cell.style.top = r * CELL + 'px';
        cell.style.left = c2 * CELL + 'px';
        cell.title = titleOf(v);
        cell.setAttribute('data-from', label(f));
        cell.setAttribute('data-to', label(t));
        if (state.selected && state.selected[0] === f && state.selected[1] === t) cell.className += ' selected';
        fb.appendChild(cell);
      }
    }
    bs.appendChild(fb); cs.appendChild(fc); rs.appendChild(fr);
    colhead.scrollLeft = left;
    rowhead.scrollTop = top;
  }
  if (grid) {
    body.addEventListener('scroll', schedule);
    body.addEventListener('click', function (e) {
      var c = e.target.closest ? e.target.closest('.cell') : null;
      if (!c) return;
      var r = Math.round(parseFloat(c.style.top) / CELL), k = Math.round(parseFloat(c.style.left) / CELL);
      showDetails(rows[r], cols[k]);
    });
  }

  // ----- groups: pairs and paths between each pair of groups
  function drawGroups() {
    var host = $('matrix-groups');
    if (!host) return;
    var names = [], size = new Map();
    for (var i = 0; i < N; i++) {
      var g = groupOf(i);
      if (!size.has(g)) { size.set(g, 0); names.push(g); }
      size.set(g, size.get(g) + 1);
    }
    names.sort();
    var count = new Map();
    D.paths.forEach(function (p) {
      var key = groupOf(p[0]) + '\u0000' + groupOf(p[1]);
      var c = count.get(key) || { both: 0, one: 0 };
      if (p[2] === 'both') c.both++; else c.one++;
      count.set(key, c);
    });
    var table = el('table', 'plain groups');
    var head = el('tr');
    head.appendChild(el('th', null, 'from \\ to'));
    names.forEach(function (n) { head.appendChild(el('th', null, n + ' (' + nf(size.get(n)) + ')')); });
    table.appendChild(head);
    names.forEach(function (a) {
      var tr = el('tr');
      tr.appendChild(el('th', null, a + ' (' + nf(size.get(a)) + ')'));
      names.forEach(function (b) {
        var c = count.get(a + '\u0000' + b) || { both: 0, one: 0 };
        var pairs = size.get(a) * size.get(b) - (a === b ? size.get(a) : 0);
        var cls = c.both ? 'path' : c.one ? 'one' : 'iso';
        var text = c.both ? c.both + ' \u2717' : c.one ? c.one + ' !' : '\u2713 0';
        var td = el('td', 'g ' + cls, text);
        td.title = a + ' \u2192 ' + b + ': ' + nf(pairs) + ' tenant pairs, ' + c.both + ' with a path, ' + c.one + ' one-sided; ' + nf(pairs - c.both - c.one) + ' isolated. Click to show these rows and columns.';
        td.setAttribute('data-from', a);
        td.setAttribute('data-to', b);
        if (state.rowGroup === a && state.colGroup === b) td.className += ' sel';
        td.addEventListener('click', function () {
          var same = state.rowGroup === a && state.colGroup === b;
          state.rowGroup = same ? null : a; state.colGroup = same ? null : b;
          refilter();
        });
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    host.textContent = '';
    host.appendChild(table);
  }

  // ----- pairs that are not isolated, as a list
  function drawExceptions() {
    var host = $('matrix-exceptions');
    if (!host) return;
    var inRows = new Uint8Array(N), inCols = new Uint8Array(N);
    rows.forEach(function (i) { inRows[i] = 1; });
    cols.forEach(function (i) { inCols[i] = 1; });
    var shown = D.paths.filter(function (p) { return inRows[p[0]] && inCols[p[1]]; });
    host.textContent = '';
    if (D.paths.length === 0) { host.appendChild(el('p', 'muted', 'Every pair of tenants is isolated: no cross-tenant path and no one-sided exposure.')); return; }
    host.appendChild(el('p', 'muted', nf(shown.length) + ' of ' + nf(D.paths.length) + ' pairs that are not isolated match the filter' + (shown.length > LIST_MAX ? '; the first ' + LIST_MAX + ' are listed' : '') + '.'));
    var table = el('table', 'plain');
    var head = el('tr');
    ['from', 'to', 'verdict', 'ports', 'example', 'egress allowed by', 'ingress allowed by'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(head);
    shown.slice(0, LIST_MAX).forEach(function (p) {
      var tr = el('tr', 'exception ' + (p[2] === 'both' ? 'path' : 'one'));
      [label(p[0]), label(p[1]), p[2] === 'both' ? 'path' : p[2] + ' side open', p[5], p[3] + ' \u2192 ' + p[4], p[6].join(', ') || '\u2013', p[7].join(', ') || '\u2013'].forEach(function (v, i) {
        tr.appendChild(el('td', i >= 3 ? 'mono' : null, v));
      });
      tr.addEventListener('click', function () { showDetails(p[0], p[1]); });
      table.appendChild(tr);
    });
    host.appendChild(table);
  }

  // ----- quota headroom: the tightest tenants first
  var tight = new Float64Array(N);
  D.quota.forEach(function (q, i) {
    var worst = 0;
    (D.quotaSets[q[0]] || []).forEach(function (row) {
      var peak = Math.max.apply(null, row[2]);
      var ratio = row[1] > 0 ? peak / row[1] : peak > 0 ? Infinity : 0;
      if (ratio > worst) worst = ratio;
    });
    tight[i] = q[1] ? worst : worst + 1e6;
  });
  function bar(used, hard, text) {
    var ratio = hard > 0 ? used / hard : used > 0 ? 2 : 0;
    var b = el('div', 'bar ' + (ratio > 1 ? 'over' : ratio >= 0.8 ? 'warn' : 'ok'));
    var fill = el('div', 'fill');
    fill.style.width = Math.min(100, Math.round(ratio * 1000) / 10) + '%';
    b.appendChild(fill);
    b.appendChild(el('span', 'lbl', text));
    b.title = text + ' (' + Math.round(ratio * 100) + '% of the quota)';
    b.setAttribute('data-ratio', String(Math.round(ratio * 1000) / 1000));
    return b;
  }
  function drawQuota() {
    var host = $('quota-list');
    if (!host) return;
    var list = [];
    for (var i = 0; i < N; i++) if (D.quota[i] && D.quota[i][0] >= 0 && matches(i)) list.push(i);
    list.sort(function (a, b) { return tight[b] - tight[a] || a - b; });
    host.textContent = '';
    var over = D.quota.filter(function (q) { return !q[1]; }).length;
    $('quota-count').textContent = nf(list.length) + ' tenant(s) match' + (over ? '; ' + over + ' do not fit their quota' : '; every tenant fits its quota in every scenario') + '. Tightest first.';
    list.slice(0, state.quotaShown).forEach(function (i) {
      var q = D.quota[i];
      var box = el('div', 'qtenant');
      box.setAttribute('data-tenant', label(i));
      var h = el('h3', null, label(i) + ' \u2014 ' + T[i][1]);
      h.appendChild(el('span', 'muted', ' tier ' + T[i][2]));
      h.appendChild(el('span', 'tag ' + (q[1] ? 'fits' : 'over'), q[1] ? 'fits' : 'does not fit' + (q[2] ? ' (' + q[2] + ' pod(s) rejected)' : '')));
      box.appendChild(h);
      var g = el('div', 'qrows');
      g.appendChild(el('div', 'hd', 'resource (hard)'));
      D.scenarios.forEach(function (s) { g.appendChild(el('div', 'hd', s.label)); });
      D.quotaSets[q[0]].forEach(function (row) {
        g.appendChild(el('div', 'mono', row[0] + ' (' + row[3][0] + ')'));
        row[2].forEach(function (used, k) { g.appendChild(bar(used, row[1], row[3][k + 1] + ' / ' + row[3][0])); });
      });
      box.appendChild(g);
      host.appendChild(box);
    });
    var more = $('quota-more');
    more.hidden = list.length <= state.quotaShown;
    more.textContent = 'show ' + Math.min(PAGE, list.length - state.quotaShown) + ' more of ' + nf(list.length - state.quotaShown);
  }
  var moreBtn = $('quota-more');
  if (moreBtn) moreBtn.addEventListener('click', function () { state.quotaShown += PAGE; drawQuota(); });

  // ----- findings: filtered in place (the rows are static markup)
  function filterFindings() {
    var sev = $('findings-severity'), q = ($('findings-search') || {}).value || '';
    q = q.toLowerCase();
    var shown = 0, rowsF = document.querySelectorAll('tr.finding');
    for (var i = 0; i < rowsF.length; i++) {
      var r = rowsF[i];
      var ok = (!sev || sev.value === 'all' || r.getAttribute('data-severity') === sev.value) && (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    }
    var c = $('findings-count');
    if (c) c.textContent = shown + ' of ' + rowsF.length + ' shown';
  }
  ['findings-severity', 'findings-search'].forEach(function (id) { var e = $(id); if (e) e.addEventListener('input', filterFindings); });

  function refilter() {
    rows = []; cols = [];
    for (var i = 0; i < N; i++) {
      if (state.onlyPaths && !onPath[i]) continue;
      var m = matches(i);
      if (m && (!state.rowGroup || groupOf(i) === state.rowGroup)) rows.push(i);
      if ((m || !state.cols) && (!state.colGroup || groupOf(i) === state.colGroup)) cols.push(i);
    }
    var c = $('matrix-count');
    if (c) c.textContent = 'showing ' + nf(rows.length) + ' \u00d7 ' + nf(cols.length) + ' of ' + nf(N) + ' tenants' + (state.rowGroup ? ' (' + state.groupBy + ' ' + state.rowGroup + ' \u2192 ' + state.colGroup + ')' : '');
    if (body) { body.scrollTop = 0; body.scrollLeft = 0; }
    state.quotaShown = PAGE;
    drawGroups();
    drawGrid();
    drawExceptions();
    drawQuota();
  }

  var search = $('matrix-search');
  if (search) search.addEventListener('input', function () { state.q = search.value.trim().toLowerCase(); refilter(); });
  var colsBox = $('matrix-cols');
  if (colsBox) colsBox.addEventListener('change', function () { state.cols = colsBox.checked; refilter(); });
  var only = $('matrix-only-paths');
  if (only) only.addEventListener('change', function () { state.onlyPaths = only.checked; refilter(); });
  var groupBy = $('matrix-group-by');
  if (groupBy) {
    groupBy.value = state.groupBy;
    groupBy.addEventListener('change', function () { state.groupBy = groupBy.value; state.rowGroup = state.colGroup = null; refilter(); });
  }
  var clear = $('matrix-clear');
  if (clear) clear.addEventListener('click', function () {
    state.q = ''; state.rowGroup = state.colGroup = null; state.onlyPaths = false;
    if (search) search.value = '';
    if (only) only.checked = false;
    refilter();
  });
  refilter();
  filterFindings();
  document.body.setAttribute('data-ready', 'true');
})();
`;
