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
