import { z } from 'zod';

// The one set of URL rules of the project: what a signed document may carry (RFC 3986, as the OB 3.0 JSON
// Schema's "uri" format checks it), what the data-model checks call a URL, and how a URL typed by a person is
// made into one before anything is signed with it.

/**
 * URI: an absolute URI (RFC 3986): a scheme, ':', and a non-empty remainder of printable ASCII without the
 * characters RFC 3986 never allows, with well-formed percent-escapes. Covers https URLs, DIDs, urn:uuid and
 * data: URIs. Hierarchical ones (scheme://…) must also parse, which rejects bad hosts and ports.
 */
export function isUri(value: string): boolean {
  const colon = value.indexOf(':');
  if (colon < 1 || colon === value.length - 1) return false;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*$/.test(value.slice(0, colon))) return false;
  if (/[^\x21-\x7e]|[<>"{}|\\^`]/.test(value)) return false;
  if (MALFORMED_ESCAPE.test(value)) return false;
  if (value.slice(colon + 1).startsWith('//')) {
    try {
      const url = new URL(value);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname === '') return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** URL: "a URI that represents a Uniform Resource Locator", i.e. one with an authority to fetch from. */
export function isUrl(value: string): boolean {
  return isUri(value) && /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]/.test(value);
}

/** An http(s) URL exactly as a signed document may carry it (configuration gives these as they are to be used). */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value) && isUrl(value);
}

const MALFORMED_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
// what the WHATWG parser leaves as it is but RFC 3986 does not allow (it encodes spaces, quotes and <> itself)
const LEFT_UNENCODED = /[<>"{}|\\^`]/g;

/**
 * An http(s) URL as a person typed it, made into the RFC 3986 URL a signed document can carry: parsed as a browser
 * would (spaces and quotes percent-encoded, an international domain name in its xn-- form, `\` read as `/`), the
 * characters the parser leaves alone percent-encoded too. Undefined when it cannot be one (no http(s) scheme or
 * host, a malformed %-escape, a user name or password, a bad port).
 */
export function normaliseHttpUrl(value: string): string | undefined {
  const typed = value.trim();
  if (!/^https?:\/\/[^/?#]/i.test(typed) || MALFORMED_ESCAPE.test(typed)) return undefined;
  let url: URL;
  try {
    url = new URL(typed);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '') return undefined;
  const href = url.href.replace(LEFT_UNENCODED, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return isHttpUrl(href) ? href : undefined;
}

export const MAX_URL_LENGTH = 2000;

/** The input schema of every http(s) URL field: normalised (see normaliseHttpUrl), then bounded. */
export const httpUrlSchema = z
  .string()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .transform((value, ctx) => {
    const url = normaliseHttpUrl(value);
    if (url === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: MALFORMED_ESCAPE.test(value)
          ? 'has a % that does not start a percent-escape (%XX with two hexadecimal digits); write a literal % as %25'
          : 'must be an http(s) URL with a host and no user name or password, e.g. https://example.org/portfolio',
      });
      return z.NEVER;
    }
    return url;
  })
  .pipe(z.string().max(MAX_URL_LENGTH, `is longer than ${MAX_URL_LENGTH} characters once percent-encoded`));
