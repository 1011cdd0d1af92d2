import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { InvalidInputError } from './domain.error';
import { ERRORS, ErrorEntry, errorCatalogue } from './error.catalogue';

/** The checkout's root: the first parent folder whose package.json is this project's. */
function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'weave-proxy') return dir;
  }
  throw new Error(`no weave-proxy package.json above ${__dirname}`);
}

/** Product source files: .ts under apps/ and libs/, without specs, test helpers and the catalogue. */
function productSources(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'testing') walk(p);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && e.name !== 'error.catalogue.ts') {
        out.push(p);
      }
    }
  };
  for (const top of ['apps', 'libs']) walk(path.join(root, top));
  return out;
}

interface Scan {
  /** `file:line: text` of every string or template literal that contains a WPX_ code. */
  literals: string[];
  /** Codes named as `ERRORS.WPX_...`. */
  used: Set<string>;
}

function scan(files: string[], root: string): Scan {
  const result: Scan = { literals: [], used: new Set() };
  for (const file of files) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (n: ts.Node) => `${path.relative(root, file)}:${source.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      const texts = ts.isStringLiteralLike(node)
        ? [node.text]
        : ts.isTemplateExpression(node)
          ? [node.head.text, ...node.templateSpans.map((s) => s.literal.text)]
          : [];
      for (const t of texts) if (/\bWPX_/.test(t)) result.literals.push(`${where(node)}: ${node.getText()}`);
      if (ts.isPropertyAccessExpression(node) && node.expression.getText() === 'ERRORS') result.used.add(node.name.text);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return result;
}

const statusText = (e: ErrorEntry): string => (e.status === 'dockerd' ? "dockerd's" : String(e.status));

/** The README's "Error codes" table rows as [code, status, when]. */
function readmeRows(root: string): string[][] {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Error codes');
  assert.ok(start >= 0, 'README.md has an "## Error codes" section');
  const section = readme.slice(start + 1).split(/\n## /)[0];
  return section
    .split('\n')
    .filter((l) => /^\| `WPX_/.test(l))
    .map((l) => l.slice(1, -1).split(' | ').map((c) => c.trim()))
    .map(([code, status, ...when]) => [code.replace(/`/g, ''), status, when.join(' | ')]);
}

describe('error catalogue', () => {
  const root = repoRoot();

  test('entries are WPX_ codes keyed by their own code, with a status and a description', () => {
    for (const [key, e] of Object.entries(ERRORS)) {
      assert.equal(e.code, key);
      assert.match(e.code, /^WPX_[A-Z0-9_]+$/);
      assert.ok(e.status === 'dockerd' || (Number.isInteger(e.status) && e.status >= 400 && e.status < 600), key);
      assert.ok(e.when.length > 10, key);
    }
  });

  test('an error built from an entry carries its code, status and terminal flag', () => {
    const err = new InvalidInputError(ERRORS.WPX_BAD_JSON, 'not JSON');
    assert.deepEqual([err.code, err.status, err.terminal, err.message], ['WPX_BAD_JSON', 400, true, 'not JSON']);
  });

  test('no WPX_ string literal in product source outside the catalogue (throw sites name an entry)', () => {
    const { literals } = scan(productSources(root), root);
    assert.deepEqual(literals, [], 'use ERRORS.WPX_... from @app/common instead');
  });

  test('every entry is raised somewhere (no dead code in the catalogue)', () => {
    const { used } = scan(productSources(root), root);
    const unused = errorCatalogue().map((e) => e.code).filter((c) => !used.has(c));
    assert.deepEqual(unused, [], 'remove the entry and its README row, or raise it');
  });

  test("the README's Error codes table is the catalogue (code, HTTP status, when), in order", () => {
    const expected = errorCatalogue().map((e) => [e.code, statusText(e), e.when]);
    const table = expected.map(([c, s, w]) => `| \`${c}\` | ${s} | ${w} |`).join('\n');
    assert.deepEqual(readmeRows(root), expected, `README.md "## Error codes" rows should be:\n${table}\n`);
  });
});
