import { useQuery } from '@tanstack/react-query';
import { ApiError, api, type Money } from '../../api.ts';

/**
 * A credit line and what hangs off it, as the API gives them (src/api/routes/credit*.ts). Fields the
 * statements, purchases and delinquency work add are optional here, so that a page still renders
 * against a server that does not give them yet.
 */
export interface LinePricing {
  readonly dailyRate: string;
  readonly annualRate: string;
  readonly drawApr: string;
  readonly instalments: { months: number; feeRate: string; apr: string }[];
}

export interface Line {
  readonly id: string;
  readonly customerId: string;
  readonly product: string;
  readonly productVersion: number;
  readonly status: 'referred' | 'declined' | 'active' | 'frozen' | 'closed' | string;
  readonly reasons: string[];
  readonly grade: string | null;
  readonly grantedLimit: Money;
  readonly temporaryRaise: { amount: Money; endsOn: string | null } | null;
  readonly limit: Money | null;
  readonly available: Money | null;
  readonly used: Money | null;
  readonly owed: {
    principal: Money;
    interest: Money;
    unbilled?: Money;
    billed?: Money;
    total?: Money;
  } | null;
  readonly pricing: LinePricing;
  readonly reviewOn: string | null;
  readonly openedOn: string | null;
  readonly frozenReason: string | null;
  readonly createdAt: string;
  readonly billing?: { statementDay: number; graceDays: number; autoDebit: boolean } | null;
  readonly nextStatement?: { date: string; dueOn: string } | null;
  readonly delinquency?: { dpd: number; bucket: string } | null;
}

export interface LineEvent {
  readonly id: string;
  readonly kind: string;
  readonly amount: string | null;
  readonly reason: string | null;
  /** The customer's view: who acted. Staff see the actor's id instead. */
  readonly actor?: 'you' | 'staff' | 'system';
  readonly actorId?: string;
  readonly businessDate: string;
  readonly at: string;
  readonly details: Record<string, unknown> | null;
}

export interface StatementSummary {
  readonly id: string;
  readonly statementDate: string;
  readonly periodStart: string;
  readonly dueOn: string;
  readonly billed: { principal: Money; fees: Money; interest: Money; penalty: Money };
  readonly total: Money;
  readonly minPayment: Money;
  readonly paid: Money;
  readonly unpaid: Money;
  readonly unpaidParts?: { penalty: Money; fees: Money; interest: Money; principal: Money };
  readonly status: string;
  readonly convertible: boolean;
}

export interface StatementDetail extends StatementSummary {
  readonly items: { date: string; kind: string; description: string | null; amount: Money }[];
  readonly cashDrawBalance?: Money | null;
}

export interface PlanInstalment {
  readonly seq: number;
  readonly principal: Money;
  readonly charge: Money;
  readonly billed: boolean;
  readonly statementId: string | null;
  readonly cancelled: boolean;
}

export interface Plan {
  readonly id: string;
  readonly kind: 'purchase' | 'instalment_purchase' | 'draw_instalments' | 'statement_instalments' | string;
  readonly status: string;
  readonly principal: Money;
  readonly charge: Money;
  readonly instalments: number;
  readonly merchantName?: string | null;
  readonly createdOn: string;
  readonly schedule: PlanInstalment[];
}

export interface PurchaseOption {
  readonly instalments: number;
  readonly fee: Money;
  readonly feeRate: string;
  readonly total: Money;
  readonly first: { principal: Money; fee: Money };
  readonly rest: { principal: Money; fee: Money } | null;
  readonly apr: string | null;
  readonly firstDueOn: string | null;
}

export const OPEN_STATUSES = ['active', 'frozen'];

export function useLines() {
  return useQuery({
    queryKey: ['credit', 'lines'],
    queryFn: async () => (await api.get<{ items: Line[] }>('/v1/credit/lines')).items,
  });
}

/** The line a customer uses: the newest one that is active, frozen or in review. */
export function currentLine(lines: Line[] | undefined): Line | undefined {
  return lines?.find((line) => ['active', 'frozen', 'referred'].includes(line.status));
}

export function useHistory(lineId: string | undefined, staff = false) {
  return useQuery({
    queryKey: ['credit', 'history', lineId],
    enabled: !!lineId && !staff,
    queryFn: async () => (await api.get<{ items: LineEvent[] }>(`/v1/credit/lines/${lineId}/history`)).items,
  });
}

/**
 * A part of the API another engineer is still writing: a 404 for the route itself (not for a row)
 * means "not there yet", and the page says so instead of failing.
 */
export function notYet(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && error.code === 'route_not_found';
}

/**
 * The operations the server offers, from its OpenAPI document, as "METHOD /path/{param}": the pages
 * offer a part of credit only once the server has it, without asking for a missing route.
 */
export function useOperations() {
  return useQuery({
    queryKey: ['openapi-operations'],
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async () => {
      type Operation = {
        requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
        parameters?: { name: string; in: string }[];
      };
      const doc = await api.get<{ paths: Record<string, Record<string, Operation>> }>('/openapi.json');
      const found = new Map<string, Set<string>>();
      for (const [path, operations] of Object.entries(doc.paths ?? {}))
        for (const [method, operation] of Object.entries(operations)) {
          const schema = operation?.requestBody?.content?.['application/json']?.schema;
          const query = (operation?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
          found.set(
            `${method.toUpperCase()} ${path}`,
            new Set([...Object.keys(schema?.properties ?? {}), ...query]),
          );
        }
      return found;
    },
  });
}

/**
 * Does the server offer this operation ("GET /v1/credit/lines/{id}/statements"), and, given a field,
 * does its body or query take that field? Undefined while the document loads.
 */
export function useHas(operation: string, field?: string): boolean | undefined {
  const operations = useOperations();
  if (operations.isError) return true; // Ask anyway; a missing route is handled where it is read.
  if (!operations.data) return undefined;
  const body = operations.data.get(operation);
  return field === undefined ? body !== undefined : (body?.has(field) ?? false);
}

/** Reads a part of the API that may not exist yet: null when the route is missing. */
export async function optional<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (notYet(error)) return null;
    throw error;
  }
}

export function useStatements(lineId: string | undefined, staff = false) {
  const has = useHas(
    staff ? 'GET /v1/credit/staff/lines/{id}/statements' : 'GET /v1/credit/lines/{id}/statements',
  );
  return useQuery({
    queryKey: ['credit', 'statements', lineId, staff, has],
    enabled: !!lineId && has !== undefined,
    queryFn: () =>
      optional(async () =>
        !has
          ? null
          : (
              await api.get<{ items: StatementSummary[] }>(
                staff
                  ? `/v1/credit/staff/lines/${lineId}/statements`
                  : `/v1/credit/lines/${lineId}/statements`,
              )
            ).items,
      ),
  });
}

export function usePlans(lineId: string | undefined, staff = false) {
  const path = staff ? '/v1/credit/staff/lines/{id}/plans' : '/v1/credit/lines/{id}/plans';
  const has = useHas(`GET ${path}`);
  return useQuery({
    queryKey: ['credit', 'plans', lineId, staff, has],
    enabled: !!lineId && has !== undefined,
    queryFn: () =>
      optional(async () =>
        has ? (await api.get<{ items: Plan[] }>(path.replace('{id}', lineId!))).items : null,
      ),
  });
}

export function useBusinessDate() {
  return useQuery({
    queryKey: ['business-date'],
    queryFn: () => api.get<{ businessDate: string }>('/v1/batch/business-date'),
  });
}
