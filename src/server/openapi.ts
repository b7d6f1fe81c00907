import { eventTypes } from '../events/registry.js';
import { contractComponents } from './contract-components.js';
import { authenticatedProblems, routeSpecs, type RouteResponse } from './routes.js';
import { eventBodySchemas, explainResult, jsonSchemaOf, openCaseBody, policyChangeResult, policyPreviewBody, problemBody, tickBody, tickResult, verifyAllResult, verifyResult } from './schemas.js';

const schemaRef = (schema: string | Readonly<Record<string, unknown>>) =>
  typeof schema === 'string' ? { $ref: `#/components/schemas/${schema}` } : schema;

function response(spec: RouteResponse) {
  return {
    description: spec.description,
    ...(spec.content
      ? { content: Object.fromEntries(Object.entries(spec.content).map(([media, { schema }]) => [media, { schema: schemaRef(schema) }])) }
      : {}),
  };
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: schemaRef('Problem') } },
});

const problemDescriptions: Readonly<Record<string, string>> = {
  '400': 'INVALID_EVENT or INVALID_INPUT: the body or a parameter is malformed; `details.issues` names each field.',
  '401': 'UNAUTHENTICATED: no bearer token, or one that does not verify.',
  '403': "NOT_ALLOWED: the caller's role may not take this step.",
  '404': 'UNKNOWN_CASE.',
  '409': 'The case as it stands refuses it: GATE_BLOCKED, EVENT_NOT_ACCEPTED, NO_EFFECT, DUPLICATE_EVENT, VOID_CONFLICT, CASE_EXISTS, VERSION_CONFLICT.',
  '413': 'PAYLOAD_TOO_LARGE.',
  '422': 'FUTURE_DATED, UNKNOWN_EVENT or CALENDAR_OUT_OF_RANGE: well formed, but a date or an event id that cannot be right.',
  '503': 'STORE_FAILURE: the store did not answer; nothing was recorded. Retry.',
};

/**
 * The service's OpenAPI 3.1 document, generated from the route table and the same zod schemas that
 * validate events and requests: each event type is a component (its schema without `actor`, which
 * the bearer token supplies) and `EventBody` is one of them, discriminated by `type`.
 *
 * @example
 * ```ts
 * import { openApiDocument } from 'caf-step-down/server';
 * writeFileSync('openapi.json', JSON.stringify(openApiDocument(), null, 2));
 * ```
 */
export function openApiDocument(): Record<string, unknown> {
  const events = eventBodySchemas();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routeSpecs) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const pathParameters = [...route.url.matchAll(/:([A-Za-z]+)/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' },
      description: "The host's id: id-shaped, never a name.",
    }));
    const queryParameters = (route.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, schema: q.schema, description: q.description }));
    const parameters = [...pathParameters, ...queryParameters];
    const responses: Record<string, unknown> = Object.fromEntries(Object.entries(route.responses).map(([status, spec]) => [status, response(spec)]));
    if (route.auth) {
      for (const status of authenticatedProblems) responses[status] ??= problemResponse(problemDescriptions[status] ?? 'A problem.');
    }
    paths[path] = {
      ...paths[path],
      [route.method.toLowerCase()]: {
        operationId: route.operationId,
        summary: route.summary,
        description: route.description,
        ...(route.auth ? {} : { security: [] }),
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(route.body
          ? { requestBody: { required: route.body.required, content: { 'application/json': { schema: schemaRef(route.body.schema) } } } }
          : {}),
        responses,
      },
    };
  }
  paths['/openapi.json'] = {
    get: {
      operationId: 'openApi',
      summary: 'This document',
      security: [],
      responses: { '200': { description: 'The OpenAPI document.', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'caf-step-down',
      version: '1',
      description:
        "The council's step-down policy (Children's Social Care to Early Help) as an HTTP service. The actor of every event is the caller named by the bearer token; errors are RFC 9457 problems carrying the library's StepDownError code.",
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "A JWT from the council's identity provider; its claims give the user id, role and person id." },
      },
      schemas: {
        OpenCase: jsonSchemaOf(openCaseBody),
        Tick: jsonSchemaOf(tickBody),
        TickResult: jsonSchemaOf(tickResult),
        VerifyAllResult: jsonSchemaOf(verifyAllResult),
        VerifyResult: jsonSchemaOf(verifyResult),
        ExplainResult: jsonSchemaOf(explainResult),
        PolicyPreview: jsonSchemaOf(policyPreviewBody),
        PolicyChange: jsonSchemaOf(policyChangeResult),
        Problem: jsonSchemaOf(problemBody),
        ...contractComponents(),
        EventBody: {
          description: 'One event of the vocabulary, without actor.',
          oneOf: eventTypes.map((type) => schemaRef(type)),
          discriminator: { propertyName: 'type', mapping: Object.fromEntries(eventTypes.map((type) => [type, `#/components/schemas/${type}`])) },
        },
        ...events,
      },
    },
  };
}
