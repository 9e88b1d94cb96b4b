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

/** The reason phrase of each status a problem may have (RFC 9110). */
export const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A problem of the given status and type slug, titled by its status. */
export const problem = (status: number, slug: string, detail: string, extensions?: Record<string, unknown>) =>
  new HttpProblem({ status, type: problemType(slug), title: STATUS_TITLES[status] ?? 'Error', detail, extensions });

/** Problem type URIs are relative references under /problems/, documented in docs/api.md. */
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
