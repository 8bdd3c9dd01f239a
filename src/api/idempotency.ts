import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { sendError } from './errors.ts';

/**
 * Idempotency-Key on every POST. The first request with a key claims it; its response (status and
 * body, 4xx included) is stored and replayed to every later request with the same key and the same
 * body. The same key with another body gets 409 idempotency_key_reused; while the first request is
 * still running, 409 idempotency_key_in_use. A 5xx releases the key so that the client may retry.
 * A claim whose request died lapses after LEASE_SECONDS and can be taken over.
 *
 * Keys are scoped by the caller (request.principalId, set by authentication; 'anonymous' until then)
 * and kept for at least the configured TTL (24 hours by default).
 */
const KEY = /^[\x21-\x7e]{1,255}$/;
const LEASE_SECONDS = 60;

declare module 'fastify' {
  interface FastifyRequest {
    principalId?: string;
    rawBody?: string;
    idempotencyClaim?: { scope: string; key: string };
  }
}

/** Marks a stored response type whose body is base64 of binary bytes. */
const BINARY_MARK = 'base64;';

/** What makes two requests "the same request": method, path and the exact body bytes. */
export function idempotencyHash(method: string, url: string, rawBody: string): string {
  const path = url.split('?')[0] ?? '';
  return createHash('sha256').update(`${method} ${path}\n`).update(rawBody).digest('hex');
}

function requestHash(request: FastifyRequest): string {
  return idempotencyHash(request.method, request.url, request.rawBody ?? '');
}

interface StoredKey {
  request_hash: string;
  state: 'in_flight' | 'completed';
  lapsed: boolean;
  response_status: number | null;
  response_body: string | null;
  response_type: string | null;
}

export function installIdempotency(app: FastifyInstance, db: Executor): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST' || request.is404) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || !KEY.test(key)) {
      return sendError(
        reply,
        400,
        'idempotency_key_invalid',
        'Idempotency-Key must be 1-255 printable ASCII characters',
      );
    }
    const scope = request.principalId ?? 'anonymous';
    const hash = requestHash(request);
    const claimed = await sql`
      insert into idempotency_keys (scope, key, request_hash, state, locked_until)
      values (${scope}, ${key}, ${hash}, 'in_flight', now() + make_interval(secs => ${LEASE_SECONDS}))
      on conflict (scope, key) do nothing`.execute(db);
    if (claimed.numAffectedRows === 1n) {
      request.idempotencyClaim = { scope, key };
      return;
    }
    const found = await sql<StoredKey>`
      select request_hash, state, response_status, response_body, response_type,
             coalesce(locked_until < now(), false) as lapsed
      from idempotency_keys where scope = ${scope} and key = ${key}`.execute(db);
    const stored = found.rows[0];
    if (!stored) {
      // Deleted between our insert and select (a 5xx released it): treat it as in use; a retry will claim it.
      return sendError(
        reply,
        409,
        'idempotency_key_in_use',
        'a request with this Idempotency-Key is in progress',
      );
    }
    if (stored.request_hash !== hash) {
      return sendError(
        reply,
        409,
        'idempotency_key_reused',
        'this Idempotency-Key was used for a different request',
      );
    }
    if (stored.state === 'completed') {
      reply.header('idempotent-replayed', 'true');
      const binary = stored.response_type?.startsWith(BINARY_MARK) ?? false;
      return reply
        .code(stored.response_status ?? 200)
        .type(
          binary
            ? stored.response_type!.slice(BINARY_MARK.length)
            : (stored.response_type ?? 'application/json; charset=utf-8'),
        )
        .send(binary ? Buffer.from(stored.response_body ?? '', 'base64') : (stored.response_body ?? ''));
    }
    if (stored.lapsed) {
      const taken = await sql`
        update idempotency_keys set locked_until = now() + make_interval(secs => ${LEASE_SECONDS})
        where scope = ${scope} and key = ${key} and state = 'in_flight' and locked_until < now()`.execute(db);
      if (taken.numAffectedRows === 1n) {
        request.idempotencyClaim = { scope, key };
        return;
      }
    }
    return sendError(
      reply,
      409,
      'idempotency_key_in_use',
      'a request with this Idempotency-Key is in progress',
    );
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    request.idempotencyClaim = undefined;
    try {
      if (reply.statusCode >= 500) {
        await sql`delete from idempotency_keys where scope = ${claim.scope} and key = ${claim.key}`.execute(
          db,
        );
      } else {
        const type = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
        // A binary answer (a PDF) is kept as base64, marked in its type, so that a replay gives the same bytes.
        const bytes =
          payload instanceof Uint8Array
            ? Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
            : null;
        const binary = bytes !== null && !/^(text\/|application\/(json|problem\+json))/.test(type);
        const body =
          typeof payload === 'string' ? payload : bytes ? bytes.toString(binary ? 'base64' : 'utf8') : '';
        await sql`
          update idempotency_keys
          set state = 'completed', response_status = ${reply.statusCode}, response_body = ${body},
              response_type = ${binary ? `${BINARY_MARK}${type}` : type}, completed_at = now(), locked_until = null
          where scope = ${claim.scope} and key = ${claim.key}`.execute(db);
      }
    } catch (error) {
      // The response still goes out; the claim lapses after its lease and a retry can take it.
      request.log.error({ err: error }, 'could not record the idempotent response');
    }
    return payload;
  });
}

/** Deletes keys older than the TTL. Returns how many went. */
export async function purgeIdempotencyKeys(db: Executor, ttlHours: number): Promise<bigint> {
  const result = await sql`
    delete from idempotency_keys where created_at < now() - make_interval(hours => ${ttlHours})`.execute(db);
  return result.numAffectedRows ?? 0n;
}
