import Fastify, { type FastifyInstance } from 'fastify';
import {
  type Clock,
  CNY,
  dateInZone,
  formatAmount,
  type PlainDate,
  parseAmount,
  systemClock,
  uuidv7,
} from '../../kernel/index.ts';
import { signNotification } from '../channels/signature.ts';

/**
 * A simulated payment gateway that behaves like a real one: it accepts charges and payouts, answers
 * asynchronously with a signed notification to the merchant's notify URL, resends until it is
 * acknowledged (with back-off), answers queries, and produces a daily statement (CSV). It can be told
 * to add latency, fail a share of orders, send duplicate and out-of-order notifications, tamper with
 * amounts, and leave lines out of or add lines to its statement, so that netfin's handling of all of
 * these can be tested. State is in memory: it is a simulator.
 *
 * Deterministic test cards: a card ending 0002 is declined at once; one ending 4444 fails later
 * (insufficient funds), by notification.
 */
export interface SimControl {
  latencyMs: number;
  failureRate: number;
  duplicateRate: number;
  /** Up to this many extra milliseconds before each notification, so that they arrive out of order. */
  jitterMs: number;
  /** Added to the amount in notifications (minor units): a gateway that reports the wrong amount. */
  tamperAmount: bigint;
  /** Notifications are not sent at all (the poller must query). */
  silent: boolean;
  statementOmit: Set<string>;
  statementAmounts: Map<string, bigint>;
  statementExtras: SimOrder[];
}

export interface SimOrder {
  /** The merchant account at the gateway the order was made for, named in its notifications. */
  account: string;
  orderId: string;
  channelOrderId: string;
  type: 'charge' | 'payout';
  amount: bigint;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  notifyUrl: string;
  cardLast4: string;
  completedAt: Date | null;
  /** The date the gateway books the order on, whose statement lists it. */
  bookedOn?: PlainDate;
}

export interface GatewaySimOptions {
  readonly secret: string;
  readonly clock?: Clock;
  /** First resend after this many ms, doubling each time. */
  readonly retryBaseMs?: number;
  readonly maxAttempts?: number;
  readonly log?: (line: string) => void;
  /**
   * The date an order completed now is booked on; by default the calendar date in China. The demo,
   * which writes months of business days in minutes, books on netfin's business date, so that each
   * day's statement holds that day's orders as a real gateway's would.
   */
  readonly bookingDate?: () => PlainDate;
  /** Headers added to each notification (the demo's: its own callbacks are kept out of the request log). */
  readonly notifyHeaders?: () => Record<string, string>;
}

export class GatewaySim {
  readonly app: FastifyInstance;
  readonly orders = new Map<string, SimOrder>();
  readonly control: SimControl = {
    latencyMs: 20,
    failureRate: 0,
    duplicateRate: 0,
    jitterMs: 0,
    tamperAmount: 0n,
    silent: false,
    statementOmit: new Set(),
    statementAmounts: new Map(),
    statementExtras: [],
  };
  private readonly clock: Clock;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Notifications sent and acknowledged, for tests and logs. */
  readonly delivered: { notificationId: string; orderId: string; attempts: number }[] = [];

  constructor(private readonly options: GatewaySimOptions) {
    this.clock = options.clock ?? systemClock();
    this.app = Fastify({ logger: false });
    this.routes();
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await this.app.listen({ port, host });
    const address = this.app.server.address();
    return `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    await this.app.close();
  }

  reset(): void {
    Object.assign(this.control, {
      latencyMs: 20,
      failureRate: 0,
      duplicateRate: 0,
      jitterMs: 0,
      tamperAmount: 0n,
      silent: false,
    });
    this.control.statementOmit.clear();
    this.control.statementAmounts.clear();
    this.control.statementExtras.length = 0;
  }

  private later(ms: number, task: () => void | Promise<void>): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void task();
    }, ms);
    this.timers.add(timer);
  }

  private routes(): void {
    const create =
      (type: 'charge' | 'payout') =>
      async (request: { body: unknown }, reply: { code(n: number): { send(b: unknown): unknown } }) => {
        const body = request.body as {
          account?: string;
          orderId?: string;
          amount?: string;
          currency?: string;
          cardLast4?: string;
          notifyUrl?: string;
        };
        const amount = typeof body.amount === 'string' ? parseAmount(body.amount, CNY) : undefined;
        if (
          !body.account ||
          !body.orderId ||
          !amount?.ok ||
          amount.value <= 0n ||
          !body.notifyUrl ||
          !body.cardLast4
        ) {
          return reply.code(400).send({ error: 'bad_request' });
        }
        const existing = this.orders.get(body.orderId);
        if (existing)
          return reply.code(200).send({ accepted: true, channelOrderId: existing.channelOrderId });
        if (body.cardLast4 === '0002')
          return reply.code(200).send({ accepted: false, reason: 'card_declined' });
        const order: SimOrder = {
          account: body.account,
          orderId: body.orderId,
          channelOrderId: `SIM${uuidv7().replaceAll('-', '').slice(0, 24).toUpperCase()}`,
          type,
          amount: amount.value,
          currency: body.currency ?? 'CNY',
          status: 'pending',
          notifyUrl: body.notifyUrl,
          cardLast4: body.cardLast4,
          completedAt: null,
        };
        this.orders.set(order.orderId, order);
        this.later(this.control.latencyMs, () => this.complete(order));
        return reply.code(200).send({ accepted: true, channelOrderId: order.channelOrderId });
      };
    this.app.post('/v1/charges', create('charge'));
    this.app.post('/v1/payouts', create('payout'));

    this.app.get('/v1/orders/:orderId', async (request, reply) => {
      const order = this.orders.get((request.params as { orderId: string }).orderId);
      if (!order) return reply.code(404).send({ status: 'unknown' });
      return {
        orderId: order.orderId,
        channelOrderId: order.channelOrderId,
        status: order.status,
        amount: formatAmount(order.amount, CNY),
        currency: order.currency,
      };
    });

    this.app.get('/v1/statements/:date', async (request, reply) => {
      const date = (request.params as { date: string }).date;
      const lines = [...this.orders.values(), ...this.control.statementExtras].filter(
        (o) =>
          o.completedAt !== null &&
          (o.bookedOn ?? dateInZone(o.completedAt, 'Asia/Shanghai')) === date &&
          !this.control.statementOmit.has(o.orderId),
      );
      const csv = [
        'channel_order_id,order_id,type,amount,currency,status,completed_at',
        ...lines.map((o) =>
          [
            o.channelOrderId,
            o.orderId,
            o.type,
            formatAmount(this.control.statementAmounts.get(o.orderId) ?? o.amount, CNY),
            o.currency,
            o.status,
            o.completedAt!.toISOString(),
          ].join(','),
        ),
      ].join('\n');
      return reply.type('text/csv; charset=utf-8').send(`${csv}\n`);
    });
  }

  private complete(order: SimOrder): void {
    const fails = order.cardLast4 === '4444' || Math.random() < this.control.failureRate;
    order.status = fails ? 'failed' : 'succeeded';
    order.completedAt = this.clock.now();
    order.bookedOn = this.options.bookingDate?.() ?? dateInZone(order.completedAt, 'Asia/Shanghai');
    if (this.control.silent) return;
    const notificationId = uuidv7();
    const copies = Math.random() < this.control.duplicateRate ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      this.later(Math.floor(Math.random() * (this.control.jitterMs + 1)), () =>
        this.deliver(order, notificationId, 1),
      );
    }
  }

  private async deliver(order: SimOrder, notificationId: string, attempt: number): Promise<void> {
    const body = JSON.stringify({
      notificationId,
      orderId: order.orderId,
      channelOrderId: order.channelOrderId,
      account: order.account,
      type: order.type,
      status: order.status,
      amount: formatAmount(order.amount + this.control.tamperAmount, CNY),
      currency: order.currency,
      completedAt: order.completedAt!.toISOString(),
    });
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    let acknowledged = false;
    try {
      const response = await fetch(order.notifyUrl, {
        method: 'POST',
        headers: {
          ...this.options.notifyHeaders?.(),
          'content-type': 'application/json',
          'x-sim-timestamp': String(timestamp),
          'x-sim-signature': signNotification(this.options.secret, timestamp, body),
        },
        body,
      });
      acknowledged = response.status === 200 && (await response.text()).trim() === 'success';
    } catch {
      acknowledged = false;
    }
    if (acknowledged) {
      this.delivered.push({ notificationId, orderId: order.orderId, attempts: attempt });
      return;
    }
    const maxAttempts = this.options.maxAttempts ?? 8;
    if (attempt >= maxAttempts) {
      this.options.log?.(`[gateway-sim] gave up notifying ${order.orderId} after ${attempt} attempts`);
      return;
    }
    this.later((this.options.retryBaseMs ?? 1000) * 2 ** (attempt - 1), () =>
      this.deliver(order, notificationId, attempt + 1),
    );
  }
}
