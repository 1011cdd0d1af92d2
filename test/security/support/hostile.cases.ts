import { sleep } from '../../support/wait';
import { httpRequest } from './raw.socket';

/** One hostile input: what is sent on a fresh connection, and what must come back. */
export interface HostileCase {
  name: string;
  send: Array<string | Buffer | (() => Promise<void>)>;
  /** The proxy's own answer: this status, and a Docker-shaped `{"message"}` matching `message`. */
  status?: number;
  message?: RegExp;
  /** The connection is closed by the proxy (no usable answer is needed). */
  closed?: boolean;
  /** Passed through: the proxied answer equals dockerd's own to the same raw request. */
  direct?: { method: string; path: string; body?: string };
  /** How long to wait for the close (ms); and the least it must take (a timeout, not an error). */
  waitMs?: number;
  minMs?: number;
}

const CREATE = '/v1.41/containers/create';
const OURS = ['WEAVE_CIDR=10.250.1.1/24'];
const create = (body: string | Buffer, headers?: Record<string, string>) => [httpRequest('POST', CREATE, body, headers)];
const ours = (fields: Record<string, unknown>) => create(JSON.stringify({ Image: 'busybox:local', Env: OURS, ...fields }));
const MB = 1024 * 1024;

export const BAD_BODY_CASES: HostileCase[] = [
  { name: 'create: truncated JSON', send: create('{"Image": "busybox:local",'), status: 400, message: /invalid JSON/ },
  { name: 'create: a JSON array', send: create('[1,2]'), status: 400, message: /must be a JSON object/ },
  { name: 'create: a JSON string', send: create('"busybox"'), status: 400, message: /must be a JSON object/ },
  { name: 'create: invalid UTF-8 and NUL bytes', send: create(Buffer.from([0x7b, 0xff, 0x00, 0xfe, 0x7d])), status: 400, message: /invalid JSON/ },
  { name: 'create: 200k-deep nesting', send: create(`{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`), status: 400 },
  { name: 'create (ours): Cmd is a number', send: ours({ Cmd: 123 }), status: 400, message: /Cmd must be an array of strings/ },
  { name: 'create (ours): Entrypoint is an object', send: ours({ Entrypoint: { a: 1 } }), status: 400, message: /Entrypoint/ },
  { name: 'create (ours): HostConfig is a string', send: ours({ Cmd: ['true'], HostConfig: 'x' }), status: 400, message: /HostConfig must be an object/ },
  { name: 'create (ours): Binds holds numbers', send: ours({ Cmd: ['true'], HostConfig: { Binds: [1] } }), status: 400, message: /Binds/ },
  { name: 'create: invalid WEAVE_CIDR', send: create(JSON.stringify({ Image: 'busybox:local', Env: ['WEAVE_CIDR=10.2.1.300/24'] })), status: 400, message: /WEAVE_CIDR/ },
  {
    name: 'create: Content-Length of 5 MiB declared (refused before reading)',
    send: [httpRequest('POST', CREATE, undefined, { 'Content-Length': String(5 * MB), 'Content-Type': 'application/json' }), '{"Image":'],
    status: 413,
    message: /exceeds the proxy's limit/,
  },
  {
    name: 'create: 5 MiB chunked body',
    send: [httpRequest('POST', CREATE, undefined, { 'Transfer-Encoding': 'chunked' }), chunked(Buffer.alloc(5 * MB, 0x20)), '0\r\n\r\n'],
    status: 413,
    message: /exceeds the proxy's limit/,
  },
];

export const PROTOCOL_CASES: HostileCase[] = [
  { name: 'garbage instead of a request line: 400 like dockerd', send: ['\x00\x01\x02GARBAGE \xff\r\n\r\n'], status: 400, closed: true },
  // dockerd (Go's net/http) reads request heads up to 1 MiB + 4 KiB: a 64 KiB one is answered.
  { name: 'a 64 KiB header is served, as by dockerd', send: [`GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`], status: 200 },
  {
    name: 'a header over 1 MiB + 4 KiB: 431 like dockerd, then closed',
    send: [`GET /_ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(MB + 8192)}\r\n\r\n`],
    status: 431,
    closed: true,
  },
  {
    name: 'create: broken chunked encoding',
    send: [httpRequest('POST', CREATE, undefined, { 'Transfer-Encoding': 'chunked' }), 'zz\r\nnot a chunk\r\n'],
    closed: true,
  },
  {
    name: 'Content-Length together with Transfer-Encoding (smuggling)',
    send: [httpRequest('POST', CREATE, undefined, { 'Content-Length': '5', 'Transfer-Encoding': 'chunked' }), '0\r\n\r\nGET /_ping HTTP/1.1\r\n\r\n'],
    closed: true,
  },
];

/** Ids with separators and dots: never intercepted, forwarded raw; dockerd answers as it would directly. */
export const PATH_CASES: HostileCase[] = [
  ['GET', '/containers/%2e%2e/json'],
  ['GET', '/containers/..%2Fimages/json'],
  ['GET', '/containers/a%2Fb/json'],
  ['GET', '/containers//json'],
  ['GET', '/containers/%zz/json'],
  ['GET', '/v1.41/containers/../../info'],
  ['POST', '/containers/%2E%2E%2F%2E%2E%2Finfo/start'],
  // No body: dockerd answers this one with a redirect and closes without reading a body.
  ['POST', '/containers/..%2f..%2fcontainers%2fcreate/exec'],
  ['POST', '/containers/a%2Fb/exec', '{"Cmd":["true"]}'],
  ['POST', '/containers/wpt-missing-container/exec', '{"Cmd":'],
].map(([method, path, body]) => ({
  name: `${method} ${path}${body ? ` ${body}` : ''}`,
  send: [httpRequest(method as string, path as string, body)],
  direct: { method: method as string, path: path as string, body },
}));

export const SLOW_CASES: HostileCase[] = [
  {
    name: 'headers started, then stalled (header timeout)',
    send: ['GET /_ping HTTP/1.1\r\nHost: x\r\n', () => sleep(60_000)],
    closed: true,
    waitMs: 40_000,
    minMs: 15_000,
  },
  {
    name: 'keep-alive connection left idle after an answer (keep-alive timeout)',
    send: ['GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n', () => sleep(60_000)],
    status: 200,
    closed: true,
    waitMs: 15_000,
    minMs: 4_000,
  },
];

function chunked(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
}
