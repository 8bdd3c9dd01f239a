/** Compliance: contracts, the tamper-evident audit trail, anti-money-laundering, screening and data protection. */
export type { AuditChainProblem, AuditChainReport } from '../identity/index.ts';
export type { Aml } from './aml/service.ts';
export type { Contracts } from './contracts/service.ts';
export type { ComplianceDeps } from './deps.ts';
export { type PdfBlock, type PdfDocument, renderPdf } from './pdf.ts';
export { bureauConsentSql, CONSENT_PURPOSES, type ConsentPurpose } from './privacy/consents.ts';
export type { RetentionRule, RetentionRun } from './privacy/retention.ts';
export type { DataExportInfo, Privacy } from './privacy/service.ts';
export type { Screening } from './screening/service.ts';
export {
  type AuditTrailProblem,
  type AuditTrailReport,
  type ChainsReport,
  Compliance,
  type ComplianceOptions,
  type LedgerTrailProblem,
  type LedgerTrailReport,
  type RecordedChainHead,
} from './service.ts';
