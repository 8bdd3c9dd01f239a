import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concrete, operationsOf, PUBLIC_OPERATIONS } from '../support/operations.ts';
import { asAdmin, openTestApp, type TestApp } from '../support/platform.ts';
import { signUp, type TestUser, verifiedCustomer } from '../support/users.ts';

/**
 * Every endpoint, called by someone who may not: nobody signed in, a customer on staff endpoints,
 * one customer on another's things. The list comes from the OpenAPI document, so a new endpoint is
 * covered the day it is added.
 */
let t: TestApp;
let customer: TestUser;
beforeAll(async () => {
  t = await openTestApp();
  customer = await signUp(t);
});
afterAll(() => t.close());

const PUBLIC = PUBLIC_OPERATIONS;
// A contract's parties read it and anyone signed in may verify a PDF: a customer gets there (and
// then 404 for a contract not theirs), so those are not staff endpoints.
const CUSTOMER_MAY =
  /^(GET|POST|DELETE|PUT) \/v1\/(me|auth|merchants|pay|lending\/(applications|listings|note-listings)|credit\/lines|crowdfunding\/(projects|mine|backings|categories)|batch\/business-date|wealth\/(calendar|products|mmf|funds|fixed)|crm\/referrals\/mine|crm\/inbox\/(chat|stream))\b|^(GET|POST) \/v1\/contracts\/(verify|\{id\}(\/pdf)?)$/;

const endpoints = () => operationsOf(t);

describe('access control on every endpoint', () => {
  it('refuses every non-public endpoint to a caller who is not signed in, before reading the body', async () => {
    const all = await endpoints();
    expect(all.length).toBeGreaterThan(20);
    for (const endpoint of all) {
      if (PUBLIC.has(endpoint.key)) continue;
      const withBody = endpoint.method === 'POST' || endpoint.method === 'PUT';
      const response = await t.app.inject({
        method: endpoint.method as 'GET',
        url: concrete(endpoint.path),
        ...(withBody
          ? { payload: '{"nonsense": true}', headers: { 'content-type': 'application/json' } }
          : {}),
      });
      expect(response.statusCode, endpoint.key).toBe(401);
      expect(response.json().error.code, endpoint.key).toBe('authentication_required');
    }
  });

  it('refuses staff endpoints to a customer with 403, and records the attempt', async () => {
    const all = await endpoints();
    let checked = 0;
    for (const endpoint of all) {
      if (PUBLIC.has(endpoint.key) || CUSTOMER_MAY.test(endpoint.key)) continue;
      const withBody = endpoint.method === 'POST' || endpoint.method === 'PUT';
      const response = await t.app.inject({
        method: endpoint.method as 'GET',
        url: concrete(endpoint.path),
        headers: { ...customer.headers, ...(withBody ? { 'content-type': 'application/json' } : {}) },
        ...(withBody ? { payload: '{}' } : {}),
      });
      expect(response.statusCode, endpoint.key).toBe(403);
      expect(response.json().error.code, endpoint.key).toBe('permission_denied');
      checked++;
    }
    expect(checked).toBeGreaterThan(8);
    const audit = await t.app.inject({
      method: 'GET',
      url: `/v1/admin/audit?actorId=${customer.userId}&action=security.permission_denied&limit=500`,
      headers: asAdmin,
    });
    expect(audit.json().items.length).toBe(checked);
  });

  it("keeps one customer away from another's cards and sessions", async () => {
    const owner = await verifiedCustomer(t);
    const intruder = await signUp(t);
    for (const [method, url] of [
      ['POST', `/v1/me/cards/${owner.cardId}/default`],
      ['DELETE', `/v1/me/cards/${owner.cardId}`],
      ['POST', `/v1/me/cards/${owner.cardId}/confirm`],
    ] as const) {
      const response = await t.app.inject({
        method,
        url,
        headers: intruder.headers,
        ...(url.endsWith('confirm') ? { payload: { code: '123456' } } : {}),
      });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('card_not_found');
    }
    const ownerSessions = (
      await t.app.inject({ method: 'GET', url: '/v1/me/sessions', headers: owner.headers })
    ).json().items;
    const steal = await t.app.inject({
      method: 'DELETE',
      url: `/v1/me/sessions/${ownerSessions[0].id}`,
      headers: intruder.headers,
    });
    expect(steal.statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/me/cards', headers: owner.headers })).json().items,
    ).toHaveLength(1);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/me/cards', headers: intruder.headers })).json().items,
    ).toHaveLength(0);
  });

  it('lets an administrator create staff, whose roles then open the matching endpoints', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/staff',
      headers: asAdmin,
      payload: {
        phone: '13700001234',
        password: 'finance123',
        displayName: 'Fiona Finance',
        roles: ['finance'],
      },
    });
    expect(created.statusCode).toBe(201);
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-in',
      payload: { phone: '13700001234', password: 'finance123' },
    });
    const finance = { authorization: `Bearer ${signIn.json().token}` };
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/ledger/accounts/none', headers: finance })).statusCode,
    ).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/v1/admin/audit', headers: finance })).statusCode).toBe(
      403,
    );
    const promoted = await t.app.inject({
      method: 'PUT',
      url: `/v1/admin/users/${created.json().userId}/roles`,
      headers: asAdmin,
      payload: { roles: ['finance', 'legal'] },
    });
    expect(promoted.json().roles).toEqual(['finance', 'legal']);
    expect((await t.app.inject({ method: 'GET', url: '/v1/admin/audit', headers: finance })).statusCode).toBe(
      200,
    );
    const customerAsStaff = await t.app.inject({
      method: 'PUT',
      url: `/v1/admin/users/${customer.userId}/roles`,
      headers: asAdmin,
      payload: { roles: ['admin'] },
    });
    expect(customerAsStaff.json().error.code).toBe('staff_roles_need_staff_account');
    const log = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/admin/audit?subjectId=${created.json().userId}&action=user.roles_changed`,
        headers: asAdmin,
      })
    ).json().items;
    expect(log[0]).toMatchObject({ before: { roles: ['finance'] }, after: { roles: ['finance', 'legal'] } });
  });

  it('rejects a wrong admin token', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/users',
      headers: { authorization: 'Bearer test-admin-token-0123456789abcdeX' },
    });
    expect(response.statusCode).toBe(401);
  });
});
