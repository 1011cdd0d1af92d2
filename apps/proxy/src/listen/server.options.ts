import * as http from 'node:http';
import * as https from 'node:https';
import { TlsMaterial } from '../config/tls.files';
import { MAX_REQUEST_HEAD_BYTES } from './client-error.reply';

/**
 * How long a client may take to send a request's headers (and, on TLS, to finish the handshake).
 * A real client needs milliseconds; a stalled or deliberately slow one holds a socket and a parser
 * until this runs out. The body phase has no limit: uploads and hijacked streams last as long
 * as they need.
 */
export const HEADERS_TIMEOUT_MS = 20_000;
/** An idle keep-alive connection is closed after this (Node's default, stated on purpose). */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
// How often Node checks the header deadline; the timeout can overrun by up to this much.
const CHECK_INTERVAL_MS = 2_000;

/**
 * Options shared by every listener: dockerd's request-head limit, header and keep-alive timeouts,
 * no whole-request limit.
 */
export function httpServerOptions(): http.ServerOptions {
  return {
    maxHeaderSize: MAX_REQUEST_HEAD_BYTES,
    requestTimeout: 0,
    headersTimeout: HEADERS_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: CHECK_INTERVAL_MS,
  };
}

/**
 * A TLS listener: TLS 1.2 or newer; with `verify`, only clients whose certificate the CA signed
 * complete the handshake. allowHalfOpen: a hijacked stream's client may end its side (stdin EOF)
 * while the container's output still flows back; without it Node would end our side too.
 */
export function httpsServerOptions(material: TlsMaterial, verify: boolean): https.ServerOptions {
  return {
    ...httpServerOptions(),
    cert: material.cert,
    key: material.key,
    ...(verify ? { ca: material.ca, requestCert: true, rejectUnauthorized: true } : {}),
    minVersion: 'TLSv1.2',
    handshakeTimeout: HEADERS_TIMEOUT_MS,
    allowHalfOpen: true,
  };
}
