/** Identity and access: users, roles and permissions, sessions, SMS codes, KYC, bank cards, audit. */

export {
  AGE_BANDS,
  activeUsers,
  cardBindings,
  cohortActivity,
  signedUpBy,
  signUpsOn,
  type VerifiedGroup,
  verifiedGroups,
} from './analytics-users.ts';
export { type ApplicantFacts, type ApplicantFactsRow, applicantFactsSql } from './applicant-facts.ts';
export type { AuditContext, AuditEntry, AuditRecord } from './audit.ts';
export { type AuditChainProblem, type AuditChainReport, GENESIS_HASH } from './audit-chain.ts';
export { type Bank, identifyCard, luhnValid, supportedBanks, withLuhnDigit } from './bank-card.ts';
export { type ContactView, MAX_CONTACTS, RELATIONS, type Relation } from './contacts.ts';
export {
  type CustomerFacts,
  type CustomerRange,
  customerChangesOn,
  customerFacts,
  customerRanges,
  customersSignedUpBy,
  liveSessionsOf,
  type RiskClassChange,
  riskClassHistory,
  staffAmong,
} from './crm-portraits.ts';
// CRM pipeline: owners of prospects and tasks by display name.
export { staffNames } from './crm-staff-names.ts';
export type { CustomerOrigin } from './crm-users.ts';
export * as identityDataProtection from './data-protection.ts';
export { ageOn, type IdCard, parseIdCard, withCheckCharacter } from './id-card.ts';
export { Identity, type IdentityOptions } from './identity.ts';
export type { BankCardView } from './kyc.ts';
export { maskCardNumber, maskIdNumber, maskName, maskPhone } from './masking.ts';
export {
  type InboxMessage,
  logSender,
  type NotificationSender,
  type OutgoingMessage,
} from './notifications.ts';
export type { CardVerifier, IdentityProvider, VerificationOutcome } from './providers.ts';
export {
  ADMIN_TOKEN,
  ANONYMOUS,
  actorId,
  allows,
  isRole,
  PERMISSIONS,
  type Permission,
  type Principal,
  ROLES,
  type Role,
  STAFF_ROLES,
} from './roles.ts';
export type { SessionInfo } from './sessions.ts';
export { DEFAULT_IDENTITY_SETTINGS, type IdentitySettings, PHONE_PATTERN } from './settings.ts';
export {
  type CustomerIdentity,
  customerIdentities,
  type SharedIdentifier,
  sharedAddresses,
  sharedCards,
} from './shared-identifiers.ts';
export type { SignedUp, SignedUpListener } from './sign-up-hooks.ts';
export {
  CAMPAIGN_CODE_PATTERN,
  checkSignUpSource,
  REFERRAL_CODE_PATTERN,
  type SignUpSource,
  UTM_KEYS,
  UTM_MAX_LENGTH,
} from './sign-up-source.ts';
export type { CodePurpose } from './sms-codes.ts';
export {
  type Acknowledgement,
  type Assessment,
  type AssessmentHistoryEntry,
  type AssessmentTaken,
  isLowestTolerance,
  type PurchaseCheck,
  type PurchaseStanding,
  QUESTIONNAIRE,
  type Question,
  riskClassOf,
  suitabilityWarning,
} from './suitability.ts';
export {
  CHANNEL_PATTERN,
  type ClientInfo,
  checkChannel,
  checkPhone,
  DEFAULT_CHANNEL,
  type UserProfile,
} from './users.ts';
export { generateDataKey, Vault } from './vault.ts';
export type { IdentityVerified, IdentityVerifiedListener } from './verification-hooks.ts';
export type { VerifiedName } from './verified-names.ts';
