import { ApiError, newKey } from '../../api.ts';
import type { ContractSummary } from '../contracts/types.ts';

export const KINDS = ['loan', 'note_transfer', 'credit_line', 'wealth_product'] as const;
export const REVIEW_STATUSES = ['not_required', 'pending', 'accepted', 'remediate'] as const;
export const TEMPLATE_STATUSES = ['draft', 'approved', 'retired'] as const;

export interface Deviation {
  readonly term: string;
  readonly expected: string;
  readonly actual: string;
  readonly by: string | null;
}

/** GET /v1/contracts/:id */
export interface ContractDetail extends ContractSummary {
  readonly terms: Record<string, unknown>;
  readonly partyDetails: readonly {
    userId: string | null;
    role: string;
    name: string;
    phone: string | null;
  }[];
  readonly parties: readonly { userId: string | null; role: string; principal?: string }[];
  readonly termsDigest: string;
  readonly digestAlgorithm: string;
  readonly dealDigest: { value: string; algorithm: string } | null;
  readonly deviations: readonly Deviation[];
  readonly review: { note: string | null; by: string | null; at: string | null };
  readonly documents: readonly {
    language: 'zh' | 'en';
    sha256: string;
    size?: number;
    renderedAt?: string;
  }[];
  readonly acceptances: readonly {
    userId: string;
    name: string;
    role: string;
    acceptedAt: string;
    ip: string | null;
    userAgent?: string | null;
    acceptedHash: string;
    hashAlgorithm: string;
    templateVersion: number | null;
  }[];
}

/** A row of GET /v1/contract-reviews. */
export interface ReviewItem extends ContractSummary {
  readonly deviations: readonly Deviation[];
  readonly reviewNote: string | null;
}

/** GET /v1/contract-templates(/:id) */
export interface Template {
  readonly id: string;
  readonly kind: string;
  readonly language: 'zh' | 'en';
  readonly version: number;
  readonly status: (typeof TEMPLATE_STATUSES)[number];
  readonly title: string;
  readonly body: unknown[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
  readonly retiredAt: string | null;
}

/**
 * A template rendered with sample data: the API answers a POST with the PDF itself, which is opened
 * in a new tab (api.ts speaks JSON only).
 */
export async function openPreview(templateId: string): Promise<void> {
  const response = await fetch(`/v1/contract-templates/${encodeURIComponent(templateId)}/preview`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'idempotency-key': newKey() },
    body: '{}',
  }).catch(() => {
    throw new ApiError(0, 'network_error', 'netfin could not be reached');
  });
  if (!response.ok) {
    const json = (await response.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string } }
      | undefined;
    throw new ApiError(
      response.status,
      json?.error?.code ?? `http_${response.status}`,
      json?.error?.message ?? response.statusText,
    );
  }
  const url = URL.createObjectURL(await response.blob());
  window.open(url, '_blank', 'noopener');
  // The tab has loaded it (or been refused) well before a minute has passed.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
