/** Compliance: the audit trail's verification and recorded chain heads (contracts, AML and retention to come). */
export type { AuditChainProblem, AuditChainReport } from '../identity/index.ts';
export {
  type AuditTrailProblem,
  type AuditTrailReport,
  Compliance,
  type ComplianceOptions,
  type RecordedChainHead,
} from './service.ts';
