// Issue 13 profiling aid: which top-level packages cost how much memory at startup.
//   node --expose-gc --require ./scripts/rss-by-module.js dist/apps/proxy/src/main.js launch-proxy …
//   kill -USR2 <pid>   # writes the table to /tmp/rss-by-module.txt
// For every package first required from our own code (dist/, outside node_modules), measures the
// inclusive cost of that require: V8 heap used after a full GC, and RssAnon/RssFile from
// /proc/self/status (anonymous memory; file pages, mostly node's own binary: internal modules,
// compiler code, ICU data). Nested requires count in the package that caused them; a package
// already loaded by an earlier one costs nothing more. Counts modules and source bytes too.
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const v8 = require('node:v8');

const OUT = '/tmp/rss-by-module.txt';
const MB = 1024 * 1024;
const gc = global.gc ?? (() => undefined);
const status = () => {
  const text = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)[1]) * 1024;
  return { anon: kb('RssAnon'), file: kb('RssFile') };
};
const packageOf = (file) => {
  const at = file.lastIndexOf('node_modules/');
  if (at < 0) return file.includes('/dist/') ? `app:${file.split('/dist/')[1].split('/').slice(0, 4).join('/')}` : file;
  const parts = file.slice(at + 13).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
};
const isOurs = (m) => m?.filename?.includes('/dist/') && !m.filename.includes('node_modules');

const rows = new Map(); // package -> { modules, bytes, heap, anon, file }
const row = (pkg) => rows.get(pkg) ?? rows.set(pkg, { modules: 0, bytes: 0, heap: 0, anon: 0, file: 0 }).get(pkg);
let measuring = false;
const load = Module._load;
Module._load = function (request, parent, isMain) {
  let file;
  try {
    file = Module._resolveFilename(request, parent, isMain);
  } catch {
    return load.apply(this, arguments);
  }
  const fresh = file.startsWith('/') && !Module._cache[file];
  if (fresh) {
    const r = row(packageOf(file));
    r.modules++;
    r.bytes += fs.statSync(file).size;
  }
  const measure = fresh && !measuring && isOurs(parent) && !packageOf(file).startsWith('app:');
  if (!measure) return load.apply(this, arguments);
  measuring = true;
  gc();
  const heap0 = v8.getHeapStatistics().used_heap_size;
  const rss0 = status();
  try {
    return load.apply(this, arguments);
  } finally {
    measuring = false;
    gc();
    const r = row(packageOf(file));
    const rss = status();
    r.heap += v8.getHeapStatistics().used_heap_size - heap0;
    r.anon += rss.anon - rss0.anon;
    r.file += rss.file - rss0.file;
  }
};

process.on('SIGUSR2', () => {
  const now = status();
  const lines = [`now: RssAnon ${(now.anon / MB).toFixed(1)} MB, RssFile ${(now.file / MB).toFixed(1)} MB, modules ${Object.keys(Module._cache).length}`];
  lines.push('package\tmodules\tsource KB\theap MB\tanon MB\tfile MB');
  const sorted = [...rows].sort(([, a], [, b]) => b.anon + b.file - (a.anon + a.file) || b.bytes - a.bytes);
  for (const [pkg, r] of sorted) {
    const measured = r.heap || r.anon || r.file;
    const mb = (n) => (measured ? (n / MB).toFixed(2) : '');
    lines.push([pkg, r.modules, (r.bytes / 1024).toFixed(0), mb(r.heap), mb(r.anon), mb(r.file)].join('\t'));
  }
  fs.writeFileSync(OUT, `${lines.join('\n')}\n`);
});
