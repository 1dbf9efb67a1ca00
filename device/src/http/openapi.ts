import { z } from 'zod';
import { ErrorBody } from '../contracts/errors.js';
import { ErrorCode } from '../contracts/http.js';
import { isJsonResponse, type AnyRoute, type JsonResponse, type RawResponse } from './route.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

/** `/cameras/:id` → `/cameras/{id}` */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(route: AnyRoute): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const js = schemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, prop] of Object.entries(js.properties ?? {}))
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: prop });
  }
  return out;
}

function requestBody(route: AnyRoute): JsonSchema | undefined {
  if (route.upload)
    return {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: { [route.upload.field]: { type: 'array', maxItems: route.upload.maxFiles, items: { type: 'string', format: 'binary' } } },
            required: [route.upload.field],
          },
          encoding: { [route.upload.field]: { contentType: 'image/jpeg, image/png, image/webp' } },
        },
      },
      description: `Up to ${route.upload.maxFiles} files of at most ${route.upload.maxFileBytes} bytes each`,
    };
  if (route.rawBody)
    return {
      required: true,
      description: `${route.rawBody.description} (at most ${route.rawBody.maxBytes} bytes)`,
      content: Object.fromEntries(route.rawBody.contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
    };
  if (route.body) return { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } };
  return undefined;
}

const errorRef = { $ref: '#/components/schemas/ErrorBody' };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorRef } } });

function responses(route: AnyRoute): JsonSchema {
  const r = route.response as JsonResponse<z.ZodType> | RawResponse;
  const out: JsonSchema = {};
  if (isJsonResponse(r))
    out[String(r.status ?? 200)] = {
      description: r.description ?? 'OK',
      content: { 'application/json': { schema: schemaOf(r.schema, 'output') } },
    };
  else out[String(r.status ?? 200)] = { description: r.description, content: { [r.contentType]: {} } };
  if (route.body || route.query || route.params || route.upload) out['400'] = errorResponse('Malformed or invalid input');
  if (route.access !== 'public') {
    out['401'] = errorResponse('Not signed in, or an invalid API token');
    if (route.access !== 'signed-in') out['403'] = errorResponse(`Requires permission ${route.access} (or a failed CSRF check)`);
  }
  if (route.params) out['404'] = errorResponse('Unknown id');
  if (route.rawBody) out['415'] = errorResponse('Wrong content type');
  if (route.body || route.upload || route.rawBody) out['413'] = errorResponse('Body too large');
  return out;
}

/** The OpenAPI 3.1 document, generated from the same route table and zod schemas the server uses. */
export function buildOpenApi(routes: readonly AnyRoute[], info: { version: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const p = openApiPath(route.path);
    paths[p] ??= {};
    const op: JsonSchema = {
      operationId: `${route.method}${p.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      tags: [route.tag],
      summary: route.summary,
      'x-permission': route.access,
      responses: responses(route),
    };
    const params = parameters(route);
    if (params.length) op.parameters = params;
    const body = requestBody(route);
    if (body) op.requestBody = body;
    op.security = route.access === 'public' ? [] : [{ session: [] }, { bearer: [] }];
    paths[p][route.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Customer Visit Appliance API',
      version: info.version,
      description:
        'Local HTTP API of the appliance. Cookie sessions need the X-CSRF-Token header on unsafe methods; integrations use Bearer API tokens. Every error has the body {error:{code,message,details?}}.',
    },
    paths,
    components: {
      // The wire schema keeps `code` a string; the document lists the codes this API answers with.
      schemas: { ErrorBody: schemaOf(z.object({ error: ErrorBody.shape.error.extend({ code: ErrorCode }) }), 'output') },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'cva_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
