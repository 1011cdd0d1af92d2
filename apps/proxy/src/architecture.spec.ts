import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The architecture as a test (STYLE.md, practice 1): arrows between the app's folders point one
 * way, libs are entered only through their `index.ts` (`@app/x`) or, from tests, `@app/x/testing`,
 * and no lib depends on the app. Reads the TypeScript sources, not the build.
 */

const ROOT = repoRoot();
const APP_SRC = path.join(ROOT, 'apps/proxy/src');
// `import … from '…'`, `export … from '…'`, `import('…')`.
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface ImportEdge {
  file: string;
  from: string; // the node of the importing file
  to: string; // the node of the imported module
  specifier: string;
}

describe('architecture: the module graph', () => {
  const edges = sourceFiles().flatMap(importEdges);

  test('the app folders import each other without cycles', () => {
    const graph = folderGraph(edges.filter((e) => !isSpec(e.file) && e.from.startsWith('app/') && e.to.startsWith('app/')));
    assert.deepEqual(findCycle(graph), undefined, describeGraph(graph));
  });

  test('libs never import the app, and import each other without cycles', () => {
    const fromLibs = edges.filter((e) => e.from.startsWith('libs/'));
    const intoApp = fromLibs.filter((e) => e.to.startsWith('app/') || e.to === 'test');
    assert.deepEqual(intoApp.map(where), []);
    assert.deepEqual(findCycle(folderGraph(fromLibs.filter((e) => !isSpec(e.file)))), undefined);
  });

  test('a lib is entered only through @app/<lib> (its index.ts) or, from tests, @app/<lib>/testing', () => {
    const bad = edges.filter((e) => {
      if (!e.to.startsWith('libs/') || libOf(e.from) === libOf(e.to)) return false;
      if (!e.specifier.startsWith('@app/')) return true; // a relative path into another lib
      if (e.to.endsWith('/testing')) return !isSpec(e.file) && e.from !== 'test' && !e.from.endsWith('/testing');
      return e.specifier.split('/').length > 2;
    });
    assert.deepEqual(bad.map(where), []);
  });

  test('the cycle finder finds a cycle (so the checks above can fail)', () => {
    const graph = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
    assert.deepEqual(findCycle(graph), ['a', 'b', 'c', 'a']);
    assert.equal(findCycle(new Map([['a', new Set(['b'])], ['b', new Set<string>()]])), undefined);
  });
});

function where(e: ImportEdge): string {
  return `${path.relative(ROOT, e.file)} imports '${e.specifier}'`;
}

/** `libs/weave` for `libs/weave` and `libs/weave/testing`; undefined outside libs. */
function libOf(node: string): string | undefined {
  return node.startsWith('libs/') ? node.split('/').slice(0, 2).join('/') : undefined;
}

function isSpec(file: string): boolean {
  return /\.spec\.ts$/.test(file);
}

/** The nearest directory holding nest-cli.json above this file (the build), else above the cwd. */
function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'nest-cli.json'))) return dir;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error(`no nest-cli.json above ${__dirname} or ${process.cwd()}`);
}

function sourceFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
      const full = path.join(dir, d.name);
      if (d.isDirectory()) return d.name === 'node_modules' ? [] : walk(full);
      return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [full] : [];
    });
  return [APP_SRC, path.join(ROOT, 'libs'), path.join(ROOT, 'test')].flatMap(walk);
}

/**
 * The node a file belongs to: `app/<folder>` for a folder of apps/proxy/src (`app/<file>` for the
 * few files at its top), `libs/<lib>` (or `libs/<lib>/testing`), or `test`.
 */
function nodeOf(file: string): string {
  const rel = path.relative(ROOT, file).split(path.sep);
  if (rel[0] === 'apps') return rel.length === 4 ? `app/${rel[3].replace(/\.ts$/, '')}` : `app/${rel[3]}`;
  if (rel[0] === 'libs') return rel[3] === 'testing' ? `libs/${rel[1]}/testing` : `libs/${rel[1]}`;
  return 'test';
}

function importEdges(file: string): ImportEdge[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: ImportEdge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const specifier = m[1] ?? m[2];
    const to = targetNode(file, specifier);
    if (to) out.push({ file, from: nodeOf(file), to, specifier });
  }
  return out;
}

function targetNode(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('@app/')) {
    const [, lib, sub] = specifier.split('/');
    return sub === 'testing' ? `libs/${lib}/testing` : `libs/${lib}`;
  }
  if (!specifier.startsWith('.')) return undefined; // a package
  const target = path.resolve(path.dirname(file), specifier);
  return fs.existsSync(`${target}.ts`) || fs.existsSync(path.join(target, 'index.ts')) || fs.existsSync(target)
    ? nodeOf(fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts'))
    : undefined;
}

function folderGraph(edges: ImportEdge[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    if (e.from === e.to) continue;
    if (!graph.has(e.from)) graph.set(e.from, new Set());
    graph.get(e.from)!.add(e.to);
  }
  return graph;
}

/** The first cycle found by depth-first search, as a path that ends where it starts. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (node: string, trail: string[]): string[] | undefined => {
    const at = trail.indexOf(node);
    if (at >= 0) return [...trail.slice(at), node];
    if (done.has(node)) return undefined;
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      const cycle = visit(next, [...trail, node]);
      if (cycle) return cycle;
    }
    done.add(node);
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return undefined;
}

function describeGraph(graph: Map<string, Set<string>>): string {
  return [...graph].map(([from, to]) => `${from} -> ${[...to].sort().join(', ')}`).join('\n');
}
