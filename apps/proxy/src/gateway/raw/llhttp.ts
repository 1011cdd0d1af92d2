/**
 * Node's own HTTP/1 parser, llhttp (the one its HTTP server and client use, and undici's), through
 * `_http_common.HTTPParser`: typed just enough for the raw relay to frame messages without
 * building `IncomingMessage`s. Callbacks are indexed slots (`kOnHeadersComplete`, ...); see Node's
 * lib/_http_common.js and src/node_http_parser.cc for their arguments.
 */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const common = require('_http_common') as { HTTPParser: HttpParserClass; methods: string[] };

export interface HttpParser {
  initialize(type: number, resource: object, maxHeaderSize?: number, lenient?: number): void;
  /** Bytes parsed, or an Error with `code` (`HPE_...`) and `bytesParsed`. */
  execute(data: Buffer): number | ParseError;
  /** Ends a message that lasts until EOF (an answer without framing); an Error when cut short. */
  finish(): ParseError | undefined;
  close(): void;
  [slot: number]: unknown;
}

export interface ParseError extends Error {
  code: string;
  bytesParsed: number;
}

interface HttpParserClass {
  new (): HttpParser;
  REQUEST: number;
  RESPONSE: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
}

export const HTTPParser = common.HTTPParser;
/** llhttp's method table: the headers-complete callback gets an index into it. */
export const METHODS = common.methods;

/** What llhttp's headers-complete callback may answer (llhttp.h, `on_headers_complete`). */
export const HEADERS_COMPLETE = { continue: 0, skipBody: 1, upgrade: 2 } as const;

/**
 * The arguments of the headers-complete callback: (versionMajor, versionMinor, headers, method,
 * url, statusCode, statusMessage, upgrade, shouldKeepAlive). `headers` is a flat
 * [name, value, ...] list, or undefined when more than 32 were already flushed to `kOnHeaders`
 * (so are `url`'s first parts).
 */
export interface HeadInfo {
  headers: string[];
  method: string | undefined;
  url: string;
  status: number;
  upgrade: boolean;
  /** llhttp's `should_keep_alive`: HTTP version, `Connection` and (answers) framing allow another message. */
  keepAlive: boolean;
}

/**
 * A parser whose headers-complete callback gets the whole head (`kOnHeaders` flushes gathered)
 * and answers with `decide`'s return value.
 */
export function newParser(type: number, maxHeaderSize: number, decide: (head: HeadInfo) => number): HttpParser {
  const parser = new HTTPParser();
  let flushed: string[] = [];
  let flushedUrl = '';
  parser[HTTPParser.kOnHeaders] = (headers: string[], url: string): void => {
    flushed.push(...headers);
    flushedUrl += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = (...a: unknown[]): number => {
    const headers = (a[2] as string[] | undefined) ?? flushed;
    const url = (a[4] as string | undefined) ?? flushedUrl;
    flushed = [];
    flushedUrl = '';
    const method = a[3] === undefined ? undefined : METHODS[a[3] as number];
    return decide({ headers, method, url, status: (a[5] as number | undefined) ?? 0, upgrade: a[7] === true, keepAlive: a[8] === true });
  };
  parser.initialize(type, {}, maxHeaderSize);
  return parser;
}

/** The headers that decide how a message is framed, and whether an answer is a hijack. */
// A type, not an interface: it must fit Node's header records (`IncomingHttpHeaders`).
export type FramingHeaders = {
  'content-type'?: string;
  'transfer-encoding'?: string;
  'content-length'?: string;
};

/**
 * `FramingHeaders` from a flat [name, value, ...] list, in one pass; the last of a repeated name
 * wins. Only these three are kept: the relay's hot path builds no object of every header.
 */
export function framingHeaders(headers: string[]): FramingHeaders {
  const out: FramingHeaders = {};
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i].toLowerCase();
    if (name === 'content-type' || name === 'transfer-encoding' || name === 'content-length') out[name] = headers[i + 1];
  }
  return out;
}
