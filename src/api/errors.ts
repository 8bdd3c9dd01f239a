import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CommitOutcomeUnknown, DomainError, type ErrorKind, infrastructureFailure } from '../kernel/index.ts';

/** The one shape of every error response: `{"error": {"code", "message", "details"}}`. */
export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().describe('A snake_case code that reads as a sentence, e.g. `insufficient_funds`.'),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rule: 422,
  rate_limited: 429,
  unavailable: 503,
};

export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details?: unknown,
): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({
      error: { code, message, ...(details === undefined ? {} : { details }), requestId: reply.request.id },
    });
}

// Fastify's own request errors, by their FST_ code, in netfin's vocabulary.
const FASTIFY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'malformed_json',
    message: 'the request body is not valid JSON',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'body_required',
    message: 'the request body must not be empty',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    message: 'the request body is too large',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'send the body as application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_content_length',
    message: 'the Content-Length does not match the body',
  },
  text_malformed: {
    status: 400,
    code: 'text_malformed',
    message: 'a string holds a NUL character or an unpaired surrogate, which cannot be stored',
  },
  FST_ERR_BAD_URL: { status: 400, code: 'malformed_url', message: 'the URL is malformed' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'malformed_request', message: 'the request is malformed' },
};

type Issue = { path: string; code: string; message: string };

function validationIssues(error: FastifyError): Issue[] {
  // fastify-type-provider-zod turns each zod issue into { keyword: code, instancePath: "/a/0/b", message }.
  const issues = (error.validation ?? []) as unknown as Array<{
    keyword?: string;
    instancePath?: string;
    message?: string;
  }>;
  return issues.map((issue) => ({
    path: (issue.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.'),
    code: issue.keyword ?? 'invalid',
    message: issue.message ?? 'invalid value',
  }));
}

/**
 * Maps every error to a 4xx with a code, or, for what can only be a bug, to a 500 that says nothing
 * about the internals; the stack goes to the log with the request id, never to the client.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = validationIssues(error);
      const location = error.validationContext ?? 'body';
      const first = issues[0];
      // A domain code raised inside a refinement (e.g. amount_too_precise) is the most useful top-level code.
      const code = first && /^[a-z]+(_[a-z0-9]+)+$/.test(first.message) ? first.message : 'validation_failed';
      return sendError(reply, 400, code, `the request ${location} is invalid`, { location, issues });
    }
    if (error instanceof DomainError) {
      const wait = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (error.kind === 'rate_limited' && typeof wait === 'number')
        reply.header('retry-after', String(wait));
      return sendError(reply, STATUS_BY_KIND[error.kind], error.code, error.message, error.details);
    }
    const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
    if (known) return sendError(reply, known.status, known.code, known.message);
    if (error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400) {
      return sendError(reply, 400, 'malformed_json', 'the request body is not valid JSON');
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = (error.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase();
      return sendError(reply, status, code, 'the request was refused');
    }
    if (infrastructureFailure(error) || error instanceof CommitOutcomeUnknown) {
      // The database or the connection to it failed: nothing about the request. A write whose
      // commit was lost is answered the same way; its Idempotency-Key tells on a retry whether it took.
      request.log.error({ err: error }, 'database unavailable');
      reply.header('retry-after', '1');
      return sendError(reply, 503, 'database_unavailable', 'the database is unavailable; try again shortly');
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(
      reply,
      500,
      'internal_error',
      `an internal error occurred; quote request id ${request.id}`,
    );
  });
}

/** Unknown routes: a page of the web app when one answers (`fallback`), else a 404 with a code. */
export function installNotFound(
  app: FastifyInstance,
  fallback?: (request: FastifyRequest, reply: FastifyReply) => boolean,
): void {
  app.setNotFoundHandler((request, reply) => {
    if (fallback?.(request, reply)) return reply;
    return sendError(
      reply,
      404,
      'route_not_found',
      `no route for ${request.method} ${request.url.split('?')[0]}`,
    );
  });
}
