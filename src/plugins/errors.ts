import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { databaseUnavailable, isDatabaseUnavailable } from '../db/errors.js';
import { HttpProblem, problemType, STATUS_TITLES } from '../lib/problem.js';
import { sendErrorPage, wantsErrorPage } from '../web/respond.js';

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
}

export type ProblemDetails = ProblemBody & { instance: string; [extension: string]: unknown };

/** Fastify's own client errors, reworded so the caller knows what to fix. */
function describeFrameworkError(error: FastifyError, bodyLimit: number): ProblemBody | undefined {
  const make = (status: number, slug: string, detail: string) => ({
    type: problemType(slug),
    title: STATUS_TITLES[status] ?? 'Error',
    status,
    detail,
  });
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return make(415, 'unsupported-media-type', 'Send the body as application/json (Content-Type: application/json).');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return make(400, 'invalid-request', 'The Content-Length header does not match the body.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return make(413, 'body-too-large', `The body is larger than the limit of ${bodyLimit} bytes; send less data per request.`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return make(400, 'invalid-json', 'The body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return make(400, 'invalid-json', `The body is not valid JSON: ${error.message}`);
  }
  // The body parser's JSON.parse failures surface as a SyntaxError with statusCode 400 (an internal one has none).
  if ((error instanceof SyntaxError && error.statusCode === 400) || error.code === 'FST_ERR_CTP_INVALID_JSON') {
    return make(400, 'invalid-json', `The body is not valid JSON: ${error.message}`);
  }
  return undefined;
}

function validationProblem(error: { validation: { instancePath: string; message?: string }[]; validationContext?: string }) {
  const where = error.validationContext ?? 'body';
  const errors = error.validation.map((issue) => ({
    path: [where, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
    message: issue.message ?? 'is invalid',
  }));
  return {
    type: problemType('validation'),
    title: 'Bad Request',
    status: 400,
    detail: `The request ${where} is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    errors,
  };
}

/** Maps any error to RFC 9457 problem details; 5xx never carry internals. */
export function toProblem(error: FastifyError, request: FastifyRequest, bodyLimit: number): ProblemDetails {
  const instance = request.url.split('?')[0] ?? request.url;
  if (error instanceof HttpProblem) {
    return {
      type: error.type,
      title: error.title,
      status: error.status,
      detail: error.message,
      instance,
      ...(error.errors ? { errors: error.errors } : {}),
      ...error.extensions,
    };
  }
  // Checked on a widened reference: the guard would otherwise narrow `error` to never below.
  const maybeValidation: unknown = error;
  if (hasZodFastifySchemaValidationErrors(maybeValidation)) return { ...validationProblem(maybeValidation), instance };
  const framework = describeFrameworkError(error as FastifyError, bodyLimit);
  if (framework) return { ...framework, instance };
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return { type: problemType('client-error'), title: STATUS_TITLES[status] ?? 'Client Error', status, detail: error.message, instance };
  }
  return {
    type: problemType('internal'),
    title: STATUS_TITLES[500] as string,
    status: 500,
    detail: `Something went wrong on our side. Quote request id ${request.id} if you report it.`,
    instance,
  };
}

export function sendProblem(reply: FastifyReply, problem: ProblemDetails, publicBaseUrl: string) {
  const type = problem.type.startsWith('/') ? `${publicBaseUrl}${problem.type}` : problem.type;
  return reply.status(problem.status).type('application/problem+json').send({ ...problem, type });
}

/** Pages answer with a localised page (DESIGN §4), everything else with problem+json. */
function sendFailure(request: FastifyRequest, reply: FastifyReply, problem: ProblemDetails, options: ErrorOptions) {
  if (wantsErrorPage(request)) return sendErrorPage(request, reply, problem, { platformName: options.platformName, uploadLimit: options.bodyLimit });
  return sendProblem(reply, problem, options.publicBaseUrl);
}

interface ErrorOptions {
  publicBaseUrl: string;
  bodyLimit: number;
  platformName: string;
}

export default fp(
  async function errors(app: FastifyInstance, options: ErrorOptions) {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      // An unreachable database is an outage the client can wait out (503 + Retry-After), not a bug (500).
      const answered = isDatabaseUnavailable(error) ? databaseUnavailable() : error;
      // a route may set its own body limit (a cohort upload); the problem states the one that applied
      const bodyLimit = request.routeOptions?.bodyLimit ?? options.bodyLimit;
      const problem = toProblem(answered as FastifyError, request, bodyLimit);
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ problem: problem.type, status: problem.status }, 'request rejected');
      if (answered instanceof HttpProblem && answered.headers) reply.headers(answered.headers);
      return sendFailure(request, reply, problem, { ...options, bodyLimit });
    });
    app.setNotFoundHandler((request, reply) =>
      sendFailure(
        request,
        reply,
        {
          type: problemType('not-found'),
          title: 'Not Found',
          status: 404,
          detail: `There is no ${request.method} ${request.url.split('?')[0]}; see /docs for the API.`,
          instance: request.url.split('?')[0] ?? request.url,
        },
        options,
      ),
    );
  },
  { name: 'errors' },
);
