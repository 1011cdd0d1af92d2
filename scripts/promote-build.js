#!/usr/bin/env node
// Copies the staged build (.build/, compiled and alias-rewritten) into dist/, each file written to a
// temporary name and renamed, so a proxy or test starting during a rebuild never loads a half-written
// or not-yet-rewritten module (tsc emits `@app/...` requires that tsc-alias rewrites afterwards).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function promote(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) promote(src, dst);
    else if (entry.isFile()) {
      const tmp = `${dst}.${process.pid}.tmp`;
      fs.copyFileSync(src, tmp);
      fs.renameSync(tmp, dst);
    }
  }
}

const root = path.resolve(__dirname, '..');
promote(path.join(root, '.build'), path.join(root, 'dist'));

// tsc never deletes the output of a source that was renamed or removed: such leftovers (a stale
// *.spec.js above all, which the test runner would still pick up) are removed from both trees.
function sourceOf(rel) {
  const m = /^(.*)\.js(\.map)?$/.exec(rel);
  return m ? `${m[1]}.ts` : undefined;
}

function prune(staged, promoted, rel = '') {
  for (const entry of fs.readdirSync(path.join(staged, rel), { withFileTypes: true })) {
    const sub = path.join(rel, entry.name);
    if (entry.isDirectory()) prune(staged, promoted, sub);
    else if (sourceOf(sub) && !fs.existsSync(path.join(root, sourceOf(sub)))) {
      fs.rmSync(path.join(staged, sub), { force: true });
      fs.rmSync(path.join(promoted, sub), { force: true });
    }
  }
}

function dropUnstaged(staged, promoted, rel) {
  const dir = path.join(promoted, rel);
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const sub = path.join(rel, entry.name);
    if (entry.isDirectory()) dropUnstaged(staged, promoted, sub);
    else if (!fs.existsSync(path.join(staged, sub))) fs.rmSync(path.join(promoted, sub), { force: true });
  }
  if (rel && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
}

prune(path.join(root, '.build'), path.join(root, 'dist'));
for (const top of ['apps', 'libs', 'test']) dropUnstaged(path.join(root, '.build'), path.join(root, 'dist'), top);
