import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { problemType } from '../lib/problem.js';

/**
 * How often Node looks for requests past their header or request timeout. Its default (30 s) would let a slow
 * client keep a connection up to 30 s beyond the configured limit; checking every second costs one pass over
 * the open connections.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/**
 * Connection-level errors, raised before any route runs (the request never arrived whole or is not HTTP), answered
 * as problem+json on the raw socket, which is then closed: a client that trickles its headers or body, or
 * announces a Content-Length and never sends it, gets 408 once the request timeout passes.
 */
function clientErrorHandler({ publicBaseUrl, requestTimeoutMs }: { publicBaseUrl: string; requestTimeoutMs: number }) {
  return function answer(this: { log: { info(details: object, message: string): void } }, error: Error & { code?: string }, socket: Socket) {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, slug, detail] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request-timeout', `The request did not arrive in full within ${requestTimeoutMs / 1000} s; send the headers and the whole body (as long as Content-Length says) without pausing.`]
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'headers-too-large', 'The request headers are too large; send fewer or shorter headers.']
          : [400, 'malformed-request', 'The request is not valid HTTP/1.1.'];
    this.log.info({ code: error.code, status }, 'connection closed on a client error');
    // A response already begun on this connection cannot be followed by another one.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const body = JSON.stringify({ type: `${publicBaseUrl}${problemType(slug)}`, title: STATUS_CODES[status], status, detail });
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

/** The Fastify and Node server options that bound how long a client may take to send its request. */
export function slowClientOptions({ publicBaseUrl, headersMs, requestMs }: { publicBaseUrl: string; headersMs: number; requestMs: number }) {
  return {
    requestTimeout: requestMs,
    http: { headersTimeout: headersMs, requestTimeout: requestMs, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    clientErrorHandler: clientErrorHandler({ publicBaseUrl, requestTimeoutMs: requestMs }),
  };
}
