import { ApiError, newKey } from '../../api.ts';

/** A contract as GET /v1/me/contracts and GET /v1/contracts list it. */
export interface ContractSummary {
  readonly id: string;
  readonly number: string;
  readonly kind: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly signedAt: string;
  readonly businessDate: string;
  readonly reviewStatus: string;
  readonly documents: readonly { language: 'zh' | 'en'; sha256: string }[];
  /** The caller's roles in it (GET /v1/me/contracts only). */
  readonly roles?: readonly string[];
}

/** What POST /v1/contracts/verify answers. */
export interface VerifyAnswer {
  readonly match: boolean;
  readonly sha256: string;
  readonly contractId?: string;
  readonly number?: string;
  readonly language?: 'zh' | 'en';
  readonly signedAt?: string;
  readonly kind?: string;
}

export const LANGUAGES = ['zh', 'en'] as const;

/** The PDF of a contract in a language: a plain link, so that the browser downloads it with the session cookie. */
export const pdfUrl = (id: string, language: 'zh' | 'en') =>
  `/v1/contracts/${encodeURIComponent(id)}/pdf?language=${language}`;

/**
 * Sends a PDF to be verified: the raw bytes as the body (the API takes application/pdf, not JSON),
 * with an Idempotency-Key as every POST carries. Errors come back as ApiError, as from api.ts.
 */
export async function verifyPdf(file: Blob): Promise<VerifyAnswer> {
  let response: Response;
  try {
    response = await fetch('/v1/contracts/verify', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/pdf', accept: 'application/json', 'idempotency-key': newKey() },
      body: file,
    });
  } catch {
    throw new ApiError(0, 'network_error', 'netfin could not be reached');
  }
  const json = (await response.json().catch(() => undefined)) as
    | (VerifyAnswer & { error?: { code?: string; message?: string } })
    | undefined;
  if (!response.ok)
    throw new ApiError(
      response.status,
      json?.error?.code ?? `http_${response.status}`,
      json?.error?.message ?? response.statusText,
    );
  return json as VerifyAnswer;
}
