import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app/platform.ts';
import { CUT_OFF } from '../../wealth/index.ts';
import { context } from './identity.ts';
import { errors } from './lending-schemas.ts';

const holidaySchema = z.object({ date: z.string(), name: z.string() }).meta({ id: 'WealthHoliday' });
const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date_malformed');

/**
 * The trading calendar: anyone signed in reads the cut-off, today's trade date and the coming
 * holidays (an order form shows when it trades); operations (wealth:manage) add and remove holidays.
 */
export function wealthCalendarRoutes(platform: Platform): FastifyPluginAsyncZod {
  const { wealth } = platform;
  return async (app) => {
    app.get(
      '/wealth/calendar',
      {
        config: { auth: 'signed_in' },
        schema: {
          tags: ['wealth'],
          summary:
            'The trading calendar: the cut-off, the trade date an order placed now gets, the next trading day, and the holidays to come',
          response: {
            200: z.object({
              businessDate: z.string(),
              cutOff: z.string().describe('HH:MM, Asia/Shanghai'),
              timeZone: z.string(),
              tradeDate: z.string().describe('The trade date of an order placed now.'),
              beforeCutOff: z.boolean(),
              isTradingDay: z.boolean().describe('Whether the business date is a trading day.'),
              nextTradingDay: z.string(),
              holidays: z.array(holidaySchema),
            }),
            ...errors,
          },
        },
      },
      async () => {
        const today = platform.clock.businessDate();
        const days = await wealth.tradingDays(today);
        const { tradeDate, beforeCutOff } = await wealth.tradeDate();
        return {
          businessDate: today,
          cutOff: CUT_OFF,
          timeZone: 'Asia/Shanghai',
          tradeDate,
          beforeCutOff,
          isTradingDay: days.isTradingDay(today),
          nextTradingDay: days.next(today),
          holidays: await wealth.holidays(today),
        };
      },
    );

    app.post(
      '/wealth/ops/calendar/holidays',
      {
        config: { auth: { permission: 'wealth:manage' } },
        schema: {
          tags: ['wealth'],
          summary: 'Make a future weekday a holiday (no trading); audited',
          body: z.object({ date: dateText, name: z.string().trim().min(1).max(100) }).strict(),
          response: { 201: holidaySchema, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await wealth.addHoliday(request.body, context(request))),
    );

    app.delete(
      '/wealth/ops/calendar/holidays/:date',
      {
        config: { auth: { permission: 'wealth:manage' } },
        schema: {
          tags: ['wealth'],
          summary: 'Make a future holiday a trading day again; audited',
          params: z.object({ date: dateText }),
          response: { 200: holidaySchema, ...errors },
        },
      },
      async (request) => wealth.removeHoliday(request.params.date, context(request)),
    );
  };
}
