import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** One route as the fuzzer sees it: where it is, what its path holds, and the shape of its query and body. */
export interface FuzzRoute {
  method: string;
  url: string;
  params: string[];
  query?: JsonSchema;
  body?: JsonSchema;
}

/** The JSON Schema of a route's zod schema as clients send it (input side); undefined when there is none. */
function inputSchema(schema: unknown): JsonSchema | undefined {
  if (!(schema instanceof z.ZodType)) return undefined;
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function toFuzzRoute(route: RouteOptions, method: string): FuzzRoute {
  return {
    method,
    url: route.url,
    params: [...route.url.matchAll(/:([A-Za-z0-9_]+)|\*/g)].map((match) => match[1] ?? '*'),
    query: inputSchema(route.schema?.querystring),
    body: inputSchema(route.schema?.body),
  };
}

/**
 * Builds an app while recording every route it registers: Fastify publishes each new instance on the
 * `fastify.initialization` diagnostics channel before any plugin runs, so an onRoute hook added there sees the
 * whole route tree (hidden documentation routes included). HEAD twins of GET routes are left out: GET cases
 * are also sent as HEAD.
 */
export async function buildRecordingRoutes<T>(build: () => Promise<T>): Promise<{ built: T; routes: FuzzRoute[] }> {
  const routes: FuzzRoute[] = [];
  const observe = (message: unknown) => {
    (message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(toFuzzRoute(route, method));
    });
  };
  subscribe('fastify.initialization', observe);
  try {
    return { built: await build(), routes };
  } finally {
    unsubscribe('fastify.initialization', observe);
  }
}
