import type { FastifyRequest } from 'fastify';
import type { Platform } from '../../app/platform.ts';
import { userIdOf } from '../auth.ts';

/**
 * A loan or line application is when the applicant authorises the credit bureau query (征信授权):
 * the application routes record the answer as a credit_bureau consent before the application runs
 * (so that its decision sees it) and remove it again if the application is refused with an error.
 * Omitted means yes (submitting the application authorises the query, as the web form says next to
 * its checkbox) unless the applicant refused or withdrew it before; `false` means the bureau is not asked.
 */
export function withBureauConsent<T>(
  platform: Platform,
  request: FastifyRequest,
  bureauConsent: boolean | undefined,
  source: 'loan_application' | 'line_application',
  apply: () => Promise<T>,
): Promise<T> {
  return platform.compliance.privacy.withApplicationConsent(
    userIdOf(request),
    bureauConsent,
    source,
    { ip: request.ip, userAgent: (request.headers['user-agent'] ?? '').slice(0, 400) || null },
    apply,
  );
}
