/** Compliance: contracts, the tamper-evident audit trail, anti-money-laundering, screening and data protection. */
export type { AuditChainProblem, AuditChainReport } from '../identity/index.ts';
export type { Aml } from './aml/service.ts';
export type { Contracts } from './contracts/service.ts';
export type { ComplianceDeps } from './deps.ts';
export { type PdfBlock, type PdfDocument, renderPdf } from './pdf.ts';
export type { Privacy } from './privacy/service.ts';
export type { Screening } from './screening/service.ts';
export {
  type AuditTrailProblem,
  type AuditTrailReport,
  Compliance,
  type ComplianceOptions,
  type RecordedChainHead,
} from './service.ts';
