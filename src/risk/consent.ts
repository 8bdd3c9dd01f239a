import type { RawBuilder } from 'kysely';
import type { SourceRecord } from './sources.ts';

/**
 * Whether an applicant allows a data source to be asked about them at `at` (the credit bureau needs
 * the applicant's authorisation), as a SQL boolean expression: a decision reads it inside its one
 * statement (decision-read.ts). Risk does not keep consents: whoever does (compliance) registers its
 * expression with Risk.checkConsentWith. With none registered every source may be asked, as before.
 */
export type SourceConsentSql = (applicantId: string, source: string, at: Date) => RawBuilder<boolean>;

/** The sources that need the applicant's consent before they are asked. */
export const SOURCES_NEEDING_CONSENT: readonly string[] = ['bureau'];

/** The error recorded for a source not asked because the applicant has not consented. */
export const NO_CONSENT = 'not asked: the applicant has not consented to this source';

/** The reason a decision gives when a source was not asked for want of consent. */
export const noConsentReason = (source: string) => `data_source_not_consented:${source}`;

/** A source's record in the decision when it was not asked for want of consent. */
export const notConsented = (): SourceRecord => ({
  status: 'failed',
  cached: false,
  response: null,
  error: NO_CONSENT,
});
