#!/usr/bin/env node
// Runs every compiled test in one `node --test` run, one file at a time (end-to-end files share one
// dockerd, so they must not overlap), with one summary at the end. `node --test` orders the files
// by path: the unit specs (dist/apps, dist/libs) come first, then the end-to-end files (dist/test);
// within a folder, zz-* files (test/gateway/zz-daemon-restart) come last.
// Extra arguments are passed to `node --test` (e.g. --test-name-pattern=...). With `--soak`, it
// runs only the soak files (dist/test/**/*.soak.js: long loops that need a quiet machine, kept
// out of CI's budget; `npm run test:soak`).
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

// Node 20 has no fs.glob: walk the tree.
function walk(dir, suffix, out = []) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (err.code === 'ENOENT') return out;
    throw err;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, suffix, out);
    else if (entry.isFile() && entry.name.endsWith(suffix)) out.push(full);
  }
  return out;
}

const soak = process.argv.includes('--soak');
const args = process.argv.slice(2).filter((a) => a !== '--soak');
const unit = soak ? [] : [...walk(path.join(dist, 'apps'), '.spec.js'), ...walk(path.join(dist, 'libs'), '.spec.js')];
const e2e = walk(path.join(dist, 'test'), soak ? '.soak.js' : '.e2e.js');
const files = [...unit, ...e2e].map((f) => path.relative(root, f)).sort();

if (files.length === 0) {
  console.error('test/run.js: no compiled tests under dist/ (run `npm run build` first)');
  process.exit(1);
}
console.log(`test/run.js: ${unit.length} unit spec file(s), ${e2e.length} ${soak ? 'soak' : 'e2e'} file(s)`);

const child = spawn(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=1',
    ...args,
    ...files,
  ],
  { cwd: root, stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
