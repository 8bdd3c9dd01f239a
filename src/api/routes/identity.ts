import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../app/demo.ts';
import type { Platform } from '../../app/platform.ts';
import {
  type AuditContext,
  CAMPAIGN_CODE_PATTERN,
  CHANNEL_PATTERN,
  checkPhone,
  REFERRAL_CODE_PATTERN,
  UTM_MAX_LENGTH,
} from '../../identity/index.ts';
import { notFound } from '../../kernel/index.ts';
import { clearedSessionCookie, sessionCookie, userIdOf } from '../auth.ts';
import { errorResponseSchema } from '../errors.ts';

const phone = z.string().max(20).describe('A mainland mobile number, 11 digits.');
const password = z.string().min(1).max(128);
const code = z.string().max(10).describe('The 6-digit code sent by SMS.');

const utmValue = z.string().max(UTM_MAX_LENGTH, { message: 'source_malformed' }).optional();
/** The landing URL's parameters the web app keeps until sign-up (issue 20); crm records them. */
const signUpSourceSchema = z
  .object({
    channel: z.string().regex(CHANNEL_PATTERN, { message: 'source_malformed' }).optional(),
    campaign: z
      .string()
      .regex(CAMPAIGN_CODE_PATTERN, { message: 'source_malformed' })
      .optional()
      .describe("A campaign's code (the landing URL's `campaign`)."),
    referrer: z
      .string()
      .regex(REFERRAL_CODE_PATTERN, { message: 'source_malformed' })
      .optional()
      .describe("The referrer's referral code (the landing URL's `ref`)."),
    utm: z
      .object({
        source: utmValue,
        medium: utmValue,
        campaign: utmValue,
        term: utmValue,
        content: utmValue,
      })
      .strict()
      .optional(),
  })
  .strict()
  .describe('Where the sign-up came from: channel, campaign, referral code, UTM parameters.');

const sessionResponse = z.object({ userId: z.string(), token: z.string(), expiresAt: z.string() });
const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
  429: errorResponseSchema,
  503: errorResponseSchema,
};

export const profileSchema = z
  .object({
    id: z.string(),
    phone: z.string(),
    displayName: z.string().nullable(),
    roles: z.array(z.string()),
    kycLevel: z.number(),
    realName: z.string().nullable(),
    idNumber: z.string().nullable(),
    birthDate: z.string().nullable(),
    hasPaymentPassword: z.boolean(),
    isStaff: z.boolean(),
    status: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'UserProfile' });

const cardSchema = z
  .object({
    id: z.string(),
    bankCode: z.string(),
    maskedNumber: z.string(),
    last4: z.string(),
    status: z.string(),
    isDefault: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'BankCard' });

export function context(request: FastifyRequest): AuditContext {
  return { principal: request.principal, ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}

function client(request: FastifyRequest) {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}

export function profileJson(profile: Awaited<ReturnType<Platform['identity']['users']['profile']>>) {
  return { ...profile, createdAt: profile.createdAt.toISOString() };
}

function cardJson(card: {
  id: string;
  bankCode: string;
  maskedNumber: string;
  last4: string;
  status: string;
  isDefault: boolean;
  createdAt: Date;
}) {
  return { ...card, createdAt: card.createdAt.toISOString() };
}

export function identityRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { identity, config } = platform;
  const ttlSeconds = config.identity.sessionTtlHours * 3600;

  function startSession(
    request: FastifyRequest,
    reply: FastifyReply,
    session: { userId: string; token: string; expiresAt: Date },
  ) {
    reply.header('set-cookie', sessionCookie(session.token, ttlSeconds, request.protocol === 'https'));
    return { userId: session.userId, token: session.token, expiresAt: session.expiresAt.toISOString() };
  }

  return async (app) => {
    app.post(
      '/auth/sms-codes',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['identity'],
          summary: 'Send a one-time code by SMS (sign-up or password reset)',
          body: z.object({ phone, purpose: z.enum(['sign_up', 'reset_password']) }).strict(),
          response: { 202: z.object({ expiresAt: z.string() }), ...errors },
        },
      },
      async (request, reply) => {
        const { phone: number, purpose } = request.body;
        checkPhone(number);
        // A reset code goes only to a registered number; the answer is the same either way, so that
        // nobody can learn which numbers have accounts.
        const known = purpose === 'reset_password' ? await identity.users.userIdByPhone(number) : 'n/a';
        const expiresAt = known
          ? (await identity.codes.issue({ phone: number, purpose, ip: request.ip })).expiresAt
          : new Date(platform.clock.now().getTime() + config.identity.smsCodeTtlSeconds * 1000);
        return reply.code(202).send({ expiresAt: expiresAt.toISOString() });
      },
    );

    app.post(
      '/auth/sign-up',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['identity'],
          summary: 'Create an account with a mobile number, a password and the SMS code',
          body: z
            .object({
              phone,
              password,
              code,
              displayName: z.string().min(1).max(40).optional(),
              channel: z
                .string()
                .regex(CHANNEL_PATTERN, { message: 'channel_malformed' })
                .optional()
                .describe(
                  "Where the user came from: a campaign's or partner's code (lower-case letters, digits, underscores); 'organic' when absent.",
                ),
              source: signUpSourceSchema.optional(),
              acceptTerms: z
                .literal(true, { error: 'terms_not_accepted' })
                .describe('The agreement checkbox: the user agreement and the privacy policy (required).'),
            })
            .strict(),
          response: { 201: sessionResponse, ...errors },
        },
      },
      async (request, reply) => {
        const session = await identity.users.signUp(request.body, client(request));
        return reply.code(201).send(startSession(request, reply, session));
      },
    );

    app.post(
      '/auth/sign-in',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['identity'],
          summary: 'Sign in; the session comes back as a bearer token and as an httpOnly cookie',
          body: z.object({ phone, password }).strict(),
          response: { 200: sessionResponse, ...errors },
        },
      },
      async (request, reply) =>
        startSession(request, reply, await identity.users.signIn(request.body, client(request))),
    );

    app.post(
      '/auth/sign-out',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'End the current session',
          response: { 204: z.undefined(), ...errors },
        },
      },
      async (request, reply) => {
        if (request.principal.sessionId)
          await identity.revokeSession(userIdOf(request), request.principal.sessionId);
        reply.header('set-cookie', clearedSessionCookie(request.protocol === 'https'));
        return reply.code(204).send();
      },
    );

    app.post(
      '/auth/password-reset',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['identity'],
          summary: 'Set a new password with an SMS code; every session is signed out',
          body: z.object({ phone, code, newPassword: password }).strict(),
          response: { 204: z.undefined(), ...errors },
        },
      },
      async (request, reply) => {
        await identity.users.resetPassword(request.body, client(request));
        return reply.code(204).send();
      },
    );

    app.get(
      '/me',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'My profile (personal data masked)',
          response: { 200: profileSchema, ...errors },
        },
      },
      async (request) => profileJson(await identity.users.profile(userIdOf(request), { unmasked: false })),
    );

    app.get(
      '/session',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['identity'],
          summary:
            'Who is signed in: the profile, or null when no one is (a 200 either way, for the web app)',
          response: { 200: z.object({ user: profileSchema.nullable() }), ...errors },
        },
      },
      async (request) => {
        const userId = request.principal.userId;
        if (!userId) return { user: null };
        return { user: profileJson(await identity.users.profile(userId, { unmasked: false })) };
      },
    );

    app.get(
      '/me/sessions',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'My live sessions',
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  id: z.string(),
                  createdAt: z.string(),
                  expiresAt: z.string(),
                  lastSeenAt: z.string(),
                  ip: z.string().nullable(),
                  userAgent: z.string().nullable(),
                  current: z.boolean(),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const sessions = await identity.listSessions(userIdOf(request), request.principal.sessionId);
        return {
          items: sessions.map((s) => ({
            ...s,
            createdAt: s.createdAt.toISOString(),
            expiresAt: s.expiresAt.toISOString(),
            lastSeenAt: s.lastSeenAt.toISOString(),
          })),
        };
      },
    );

    app.delete(
      '/me/sessions/:id',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'Revoke one of my sessions',
          params: z.object({ id: z.string().max(100) }),
          response: { 204: z.undefined(), ...errors },
        },
      },
      async (request, reply) => {
        if (!(await identity.revokeSession(userIdOf(request), request.params.id)))
          throw notFound('session_not_found', 'no such session');
        return reply.code(204).send();
      },
    );

    app.post(
      '/me/kyc',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'Verify my real name against my resident identity card number',
          body: z.object({ realName: z.string().min(1).max(60), idNumber: z.string().max(18) }).strict(),
          response: {
            200: z.object({ kycLevel: z.number(), birthDate: z.string(), age: z.number() }),
            ...errors,
          },
        },
      },
      async (request) => identity.kyc.verifyIdentity(userIdOf(request), request.body, context(request)),
    );

    app.post(
      '/me/payment-password',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'Set or change my 6-digit payment password (needs my account password)',
          body: z.object({ paymentPassword: z.string().max(6), accountPassword: password }).strict(),
          response: { 204: z.undefined(), ...errors },
        },
      },
      async (request, reply) => {
        await identity.kyc.setPaymentPassword(userIdOf(request), request.body, context(request));
        return reply.code(204).send();
      },
    );

    app.get(
      '/me/cards',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'My bank cards',
          response: { 200: z.object({ items: z.array(cardSchema) }), ...errors },
        },
      },
      async (request) => ({ items: (await identity.kyc.listCards(userIdOf(request))).map(cardJson) }),
    );

    app.post(
      '/me/cards',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'Bind a bank card: four-element check, then a code to the reserved phone',
          body: z.object({ cardNumber: z.string().max(23), reservedPhone: phone }).strict(),
          response: { 201: cardSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            cardJson(await identity.kyc.startCardBinding(userIdOf(request), request.body, context(request))),
          ),
    );

    const cardParams = z.object({ id: z.uuid() });

    app.post(
      '/me/cards/:id/confirm',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'Confirm a card with the code sent to its reserved phone',
          params: cardParams,
          body: z.object({ code }).strict(),
          response: { 200: cardSchema, ...errors },
        },
      },
      async (request) =>
        cardJson(
          await identity.kyc.confirmCardBinding(
            userIdOf(request),
            request.params.id,
            request.body.code,
            context(request),
          ),
        ),
    );

    app.post(
      '/me/cards/:id/default',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'Make a card my default',
          params: cardParams,
          response: { 204: z.undefined(), ...errors },
        },
      },
      async (request, reply) => {
        await identity.kyc.setDefaultCard(userIdOf(request), request.params.id);
        return reply.code(204).send();
      },
    );

    app.delete(
      '/me/cards/:id',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['identity'],
          summary: 'Unbind a card',
          params: cardParams,
          response: { 204: z.undefined(), ...errors },
        },
      },
      async (request, reply) => {
        await identity.kyc.unbindCard(userIdOf(request), request.params.id, context(request));
        return reply.code(204).send();
      },
    );

    if (config.demo) {
      app.get(
        '/dev/demo-accounts',
        {
          config: { auth: 'public' },
          schema: {
            tags: ['identity'],
            summary: 'Demo mode only: the demo accounts and their password, for the sign-in page',
            response: {
              200: z.object({
                items: z.array(
                  z.object({
                    phone: z.string(),
                    password: z.string(),
                    displayName: z.string(),
                    roles: z.array(z.string()),
                    description: z.object({ en: z.string(), zh: z.string() }),
                  }),
                ),
              }),
              ...errors,
            },
          },
        },
        async () => ({
          items: DEMO_ACCOUNTS.map((account) => ({
            phone: account.phone,
            password: DEMO_PASSWORD,
            displayName: account.displayName,
            roles: [...account.roles],
            description: { ...account.description },
          })),
        }),
      );
      // Anyone may read any phone's codes here: only on a loopback address (config.demoInbox).
      if (config.demoInbox)
        app.get(
          '/dev/inbox',
          {
            config: { auth: 'public' },
            schema: {
              tags: ['identity'],
              summary: 'Demo mode only: the messages sent to a phone number (SMS codes)',
              querystring: z.object({ phone }),
              response: {
                200: z.object({
                  items: z.array(
                    z.object({
                      id: z.string(),
                      template: z.string(),
                      body: z.string(),
                      status: z.string(),
                      createdAt: z.string(),
                    }),
                  ),
                }),
                ...errors,
              },
            },
          },
          async (request) => ({
            items: (await identity.notifier.inbox(request.query.phone)).map((m) => ({
              ...m,
              createdAt: m.createdAt.toISOString(),
            })),
          }),
        );
    }
  };
}
