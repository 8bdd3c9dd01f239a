import { randomBytes } from 'node:crypto';
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * Requests the process makes to itself (the demo data, written through the API as a person would)
 * carry this header with a secret drawn at start: they are not logged one by one. Nobody outside
 * the process knows the secret, so no client can keep its requests out of the log.
 */
const INTERNAL_HEADER = 'x-netfin-internal';
const internalSecret = randomBytes(24).toString('base64url');

export function internalRequestHeaders(): Record<string, string> {
  return { [INTERNAL_HEADER]: internalSecret };
}

/**
 * How requests are logged: `fields`, Fastify's two JSON records a request (incoming, completed) for
 * log collectors; `line`, one readable line when it completes (method, URL, status, time), for a
 * person at a terminal.
 */
export type RequestLogStyle = 'fields' | 'line';

class NetfinLogController extends LogController {
  constructor(private readonly style: RequestLogStyle) {
    super();
  }

  override isLogDisabled(request: FastifyRequest): boolean {
    return request.headers[INTERNAL_HEADER] === internalSecret;
  }

  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (this.style === 'fields') super.incomingRequest(request, reply);
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.style === 'fields' || error) {
      super.requestCompleted(error, request, reply);
      return;
    }
    if (this.isLogDisabled(request)) return;
    reply.log.info(`${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`);
  }
}

export function requestLogController(style: RequestLogStyle): LogController {
  return new NetfinLogController(style);
}
