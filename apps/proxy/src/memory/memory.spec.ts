import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { loadWithLazyDateTimeFormat } from './lazy-intl';
import { NO_SCHEMA_COMPILERS } from './no-schema.compilers';

describe('memory: the idle and stream RSS measures of issue 13', () => {
  test('heap.flags keeps the young generation at its initial size while the program allocates', () => {
    // A child process: the flag changes this V8 for good. It allocates well past 16 MiB of garbage.
    const script = `require(${JSON.stringify(path.join(__dirname, 'heap.flags.js'))});
      let keep = []; for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 1000) keep = []; }
      const ns = require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      process.stdout.write(String(ns.space_size));`;
    const newSpaceBytes = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    assert.ok(newSpaceBytes > 0 && newSpaceBytes <= 2 * 1024 * 1024, `new space ${newSpaceBytes} bytes`);
  });

  test('a DateTimeFormat made while loading formats like a real one, and the real constructor is back', () => {
    const Real = Intl.DateTimeFormat;
    const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' };
    const lazy = loadWithLazyDateTimeFormat(() => new Intl.DateTimeFormat('en-US', options));
    assert.equal(Intl.DateTimeFormat, Real);
    assert.equal(lazy.format(0), new Real('en-US', options).format(0));
    assert.equal(lazy.resolvedOptions().timeZone, 'UTC');
  });

  test('the real DateTimeFormat is back when the load throws', () => {
    const Real = Intl.DateTimeFormat;
    assert.throws(() => loadWithLazyDateTimeFormat(() => { throw new Error('boom'); }), /boom/);
    assert.equal(Intl.DateTimeFormat, Real);
  });

  test('the schema compiler stand-ins fail loudly if a route ever declares a schema', () => {
    const { buildValidator, buildSerializer } = NO_SCHEMA_COMPILERS.compilersFactory!;
    assert.throws(() => (buildValidator as () => unknown)(), /no schema compiler/);
    assert.throws(() => (buildSerializer as () => unknown)(), /no schema compiler/);
  });
});
