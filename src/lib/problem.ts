/**
 * An error that becomes an RFC 9457 problem+json response. Services throw these for conditions the caller
 * can fix; anything else is a 500 whose details never leave the server.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly errors?: { path: string; message: string }[];
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(options: {
    status: number;
    type: string;
    title: string;
    detail: string;
    errors?: { path: string; message: string }[];
    extensions?: Record<string, unknown>;
    /** response headers the problem needs, e.g. WWW-Authenticate */
    headers?: Record<string, string>;
  }) {
    super(options.detail);
    this.name = 'HttpProblem';
    this.status = options.status;
    this.type = options.type;
    this.title = options.title;
    this.errors = options.errors;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }
}

/** Problem type URIs are relative references under /problems/, documented in the README. */
export const problemType = (slug: string) => `/problems/${slug}`;

export const notFound = (detail: string) =>
  new HttpProblem({ status: 404, type: problemType('not-found'), title: 'Not Found', detail });

export const badRequest = (
  detail: string,
  errors?: { path: string; message: string }[],
  slug = 'invalid-request',
) => new HttpProblem({ status: 400, type: problemType(slug), title: 'Bad Request', detail, errors });

export const forbidden = (detail: string, slug = 'forbidden') =>
  new HttpProblem({ status: 403, type: problemType(slug), title: 'Forbidden', detail });

export const unprocessable = (detail: string, slug: string) =>
  new HttpProblem({ status: 422, type: problemType(slug), title: 'Unprocessable Content', detail });

export const conflict = (detail: string, slug = 'conflict') =>
  new HttpProblem({ status: 409, type: problemType(slug), title: 'Conflict', detail });
