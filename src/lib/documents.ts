import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** RFC 9110 §13.1.2: `*`, or any listed tag equal to ours under weak comparison (caches and CDNs send W/ tags). */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = header.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etag);
}

/**
 * Sends an already-serialised public document (the exact signed bytes) with a strong ETag and the given
 * Cache-Control, answering 304 to a matching If-None-Match so caches and CDNs can revalidate cheaply.
 */
export function sendSerialisedDocument(
  request: FastifyRequest,
  reply: FastifyReply,
  {
    body,
    contentType,
    cacheControl,
    versionOf = body,
  }: {
    body: string;
    contentType: string;
    cacheControl: string;
    /**
     * what the ETag is computed from when not every byte of the body matters (default: the body); the tag is then
     * weak (RFC 9110 §8.8.1: equivalent content, not identical bytes)
     */
    versionOf?: string;
  },
) {
  const opaque = `"${createHash('sha256').update(versionOf).digest('base64url').slice(0, 27)}"`;
  reply.header('ETag', versionOf === body ? opaque : `W/${opaque}`).header('Cache-Control', cacheControl);
  if (matchesIfNoneMatch(request.headers['if-none-match'], opaque)) return reply.status(304).send();
  return reply.type(contentType).send(body);
}

/** The media type a signed credential is served as: VC 2.0 registers application/vc, JSON otherwise. */
export function vcMediaType(accept: string | undefined) {
  return accept?.includes('application/vc') ? 'application/vc' : 'application/json';
}
