import type { FastifyServerOptions } from 'fastify';

/**
 * Fastify loads its default schema compilers (Ajv, fast-json-stringify with ajv-formats and
 * fast-uri: about 100 modules) when the instance is made, whether or not any route has a schema.
 * No route of the proxy declares one (Nest adds a Fastify schema only for `@RouteSchema`), so these
 * stand-ins, which say so if that ever changes, keep those modules out of memory (issue 13).
 */
export const NO_SCHEMA_COMPILERS: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: {
    buildValidator: () => noSchemas(),
    buildSerializer: () => noSchemas(),
  },
};

function noSchemas(): never {
  throw new Error('a route declares a Fastify schema, but the proxy loads no schema compiler (see no-schema.compilers.ts)');
}
