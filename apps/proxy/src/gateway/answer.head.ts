import { BodyFramer } from './body.framing';
import { isHijack } from './hijack.answer';

/** dockerd's answer head as read off its connection (RFC 9112 section 4 and 5). */
export interface AnswerHead {
  status: number;
  /** Header values by lower-cased name (a repeated name keeps its last value). */
  headers: Record<string, string>;
}

/** Parses `HTTP/1.1 404 Not Found\r\nName: value\r\n...` (the head without its blank line). */
export function parseAnswerHead(head: string): AnswerHead {
  const lines = head.split('\r\n');
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(lines[0])?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers };
}

/** Whether the answer turned the connection into a raw stream (`isHijack`). */
export function hijacks(answer: AnswerHead): boolean {
  return isHijack(answer.status, answer.headers);
}

/**
 * Where an ordinary answer's body ends (RFC 9112 section 6.3): none after 1xx, 204 and 304, else
 * by `Transfer-Encoding: chunked` or `Content-Length`; undefined when it ends only with the
 * connection (no framing), so the connection cannot carry another request.
 */
export function answerBodyFramer(answer: AnswerHead): BodyFramer | undefined {
  const { status, headers } = answer;
  if (status < 200 || status === 204 || status === 304) return new BodyFramer({});
  const te = headers['transfer-encoding'];
  if (te !== undefined) return /(?:^|,)\s*chunked\s*$/i.test(te) ? new BodyFramer(headers) : undefined;
  return headers['content-length'] === undefined ? undefined : new BodyFramer(headers);
}
