/**
 * Roles and what they may do. A customer can borrow, invest and pay; a merchant sells; staff roles
 * work the platform. Endpoints name a permission, never a role, so that who may do what is decided
 * here, in one table.
 */
export const ROLES = [
  'customer',
  'merchant',
  'risk_officer',
  'collector',
  'collection_supervisor',
  'operations',
  'finance',
  'legal',
  'compliance',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES: readonly Role[] = [
  'risk_officer',
  'collector',
  'collection_supervisor',
  'operations',
  'finance',
  'legal',
  'compliance',
  'admin',
];

export const PERMISSIONS = {
  'ledger:read': ['finance', 'admin'],
  'ledger:write': ['finance', 'admin'],
  'staff:manage': ['admin'],
  'audit:read': ['admin', 'legal', 'compliance'],
  /**
   * List and read users (masked). Not a collector's: they reach their borrowers through their own
   * cases (collections:work); a supervisor keeps it to find collectors by name when assigning.
   */
  'users:read': ['admin', 'operations', 'risk_officer', 'collection_supervisor', 'finance', 'legal'],
  /** Read personal data in full (unmasked); every such read is audited. */
  'pii:read': ['admin', 'legal', 'risk_officer'],
  'payments:reconcile': ['finance', 'admin'],
  'payments:exceptions': ['finance', 'admin'],
  'merchant:sell': ['merchant'],
  /** Run and read credit decisions, work the review queue. */
  'risk:decide': ['risk_officer', 'admin'],
  /** Edit, publish and retire decision graphs and models; change risk settings. */
  'risk:manage': ['risk_officer', 'admin'],
  /** Read loans, listings, contracts and the reserve. */
  'lending:read': [
    'operations',
    'finance',
    'risk_officer',
    'collector',
    'collection_supervisor',
    'legal',
    'admin',
  ],
  /** Create and change loan products. */
  'lending:manage': ['operations', 'admin'],
  /** Second review of full listings. */
  'lending:review': ['risk_officer', 'operations', 'admin'],
  /** Run the lending day and fund the reserve. */
  'lending:operate': ['operations', 'finance', 'admin'],
  /** Read credit lines, their balances and history. */
  'credit:read': ['risk_officer', 'operations', 'finance', 'admin'],
  /** Freeze, unfreeze, raise and close credit lines. */
  'credit:manage': ['risk_officer', 'operations', 'admin'],
  /** Work one's own collection cases: see them, log contacts and promises. */
  'collections:work': ['collector', 'collection_supervisor', 'admin'],
  /** See every queue, assign cases, manage collectors, strategy and conduct settings, analysis. */
  'collections:supervise': ['collection_supervisor', 'admin'],
  /** Read the business date and the day-close runs. */
  'batch:read': ['operations', 'finance', 'admin', 'collection_supervisor', 'risk_officer'],
  /** Close the business day. */
  'batch:operate': ['operations', 'admin'],
  /** Read the platform's operational metrics (GET /metrics): the administrator's, as the admin token's. */
  'metrics:read': ['admin'],
  /** Find and read any contract, its PDF and acceptances; verify a PDF. */
  'contracts:read': ['legal', 'compliance', 'operations', 'admin'],
  /** Write contract templates, approve another's template, decide the legal review queue. */
  'contracts:manage': ['legal', 'admin'],
  /** Work anti-money-laundering alerts and watch-list matches: evidence, notes, decisions, reports. */
  'aml:work': ['compliance', 'admin'],
  /** Edit the anti-money-laundering rules and upload watch lists. */
  'aml:manage': ['compliance', 'admin'],
  /** Read wealth products, holdings, orders, the fund's days and liquidity (issue 18). */
  'wealth:read': ['operations', 'finance', 'compliance', 'admin'],
  /**
   * Run wealth: write products and approve another's, enter the fund's daily income and funds' NAVs,
   * edit the trading calendar, top up the fund's liquidity.
   */
  'wealth:manage': ['operations', 'admin'],
  /**
   * Crowdfunding (issue 25): review projects (with the decision engine's view of the creator), release
   * milestones on the creator's evidence, refund backers from escrow, resolve complaints.
   */
  'crowdfunding:review': ['risk_officer', 'operations', 'admin'],
  /** Operations analytics (issue 19): the dashboards' series of users, marketplace, risk and liquidity, and their CSV. */
  'analytics:read': ['operations', 'finance', 'risk_officer', 'compliance', 'collection_supervisor', 'admin'],
  /** Backfill analytics over past dates. */
  'analytics:operate': ['operations', 'admin'],
  /** Retention rules and their runs, consent records, data exports on a user's behalf. */
  'privacy:manage': ['compliance', 'legal', 'admin'],
  /** CRM (issue 20): portraits, classes and figures, personal data masked; full data only through pii:read. */
  'crm:read': ['operations', 'finance', 'risk_officer', 'compliance', 'admin'],
  /** CRM: staff tags, class rules, relationship managers, campaigns, anyone's prospects, the overdue view. */
  'crm:manage': ['operations', 'admin'],
  /** CRM: work one's own prospects and follow-up tasks. */
  'crm:follow': ['operations', 'admin'],
  /** CRM service inbox: answer, take and close tickets, log calls. */
  'crm:serve': ['operations', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function allows(roles: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return roles.some((role) => allowed.includes(role));
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Who is calling: a signed-in user, the operator's admin token, or nobody. */
export interface Principal {
  readonly kind: 'user' | 'admin_token' | 'anonymous';
  readonly userId: string | null;
  readonly roles: readonly Role[];
  readonly sessionId: string | null;
}

export const ANONYMOUS: Principal = { kind: 'anonymous', userId: null, roles: [], sessionId: null };
export const ADMIN_TOKEN: Principal = {
  kind: 'admin_token',
  userId: null,
  roles: ['admin'],
  sessionId: null,
};

/** The id recorded as the actor in the audit log and used to scope idempotency keys. */
export function actorId(principal: Principal): string {
  if (principal.kind === 'user') return principal.userId!;
  return principal.kind === 'admin_token' ? 'admin-token' : 'anonymous';
}
