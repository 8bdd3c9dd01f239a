import type { Platform } from '../src/app/platform.ts';
import { ADMIN_TOKEN, withCheckCharacter } from '../src/identity/index.ts';
import { DEFAULT_PRODUCTS } from '../src/lending/index.ts';

/**
 * Signs up `count` people through identity (SMS code, password) and verifies each one's identity,
 * eight at a time (argon2 hashing runs on libuv's thread pool, so sign-ups overlap). Phone numbers
 * start with `phonePrefix`, identity numbers with the district code `district`, each born on a
 * different day; sign-up codes are asked for from addresses under `ipPrefix`.
 */
export async function verifiedUsers(
  platform: Platform,
  count: number,
  options: { phonePrefix: string; district: string; ipPrefix: string },
): Promise<string[]> {
  const { identity } = platform;
  const ids: string[] = [];
  for (let start = 0; start < count; start += 8) {
    ids.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(8, count - start) }, async (_, k) => {
          const i = start + k;
          const phone = `${options.phonePrefix}${String(10_000_000 + i).slice(-8)}`;
          await identity.codes.issue({
            phone,
            purpose: 'sign_up',
            ip: `${options.ipPrefix}.${Math.floor(i / 250)}.${i % 250}`,
          });
          const code = /(\d{6})/.exec((await identity.notifier.inbox(phone, 1))[0]!.body)![1]!;
          const { userId } = await identity.users.signUp(
            { phone, password: 'bench1234', code, acceptTerms: true },
            { ip: null, userAgent: null },
          );
          const birth = `${1960 + (i % 40)}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (Math.floor(i / 12) % 28)).padStart(2, '0')}`;
          await identity.kyc.verifyIdentity(
            userId,
            {
              realName: '测试',
              idNumber: withCheckCharacter(
                `${options.district}${birth}${String(100 + (i % 800)).padStart(3, '0')}`,
              ),
            },
            { principal: { kind: 'user', userId, roles: ['customer'], sessionId: null }, ip: null },
          );
          return userId;
        }),
      )),
    );
  }
  return ids;
}

/** The benchmarks' loan product: the personal loan's terms, 12 months, amounts up to 1,000,000.00, no auto-invest. */
export async function saveBenchProduct(platform: Platform): Promise<void> {
  await platform.lending.context.products.save(
    'bench',
    {
      config: {
        ...DEFAULT_PRODUCTS.personal,
        name: 'Bench loan',
        maxAmount: '1000000.00',
        terms: [12],
        autoInvestShare: '0',
        maxInvestorShare: '0.5',
      },
    },
    { principal: ADMIN_TOKEN, ip: null },
  );
}
