import { CNY, formatAmount, parseAmount } from '../../kernel/index.ts';
import type {
  ChannelAccepted,
  ChannelNotification,
  ChannelRequest,
  ChannelStatus,
  NotificationCheck,
  PaymentChannel,
  StatementLine,
} from './channel.ts';
import { signatureMatches } from './signature.ts';

/** netfin's client for the simulated gateway: the adapter a real channel's client would replace. */
export class SimChannel implements PaymentChannel {
  readonly name = 'sim';
  readonly acknowledgement = 'success';

  /**
   * `account` is netfin's merchant account at the gateway: sent with each charge and payout, named
   * in each notification.
   */
  constructor(
    private readonly baseUrl: string,
    private readonly secret: string,
    private readonly toleranceSeconds = 300,
    readonly account = 'netfin',
  ) {}

  private async post(path: string, request: ChannelRequest): Promise<ChannelAccepted> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        account: this.account,
        orderId: request.orderId,
        amount: formatAmount(request.amount, CNY),
        currency: request.currency,
        cardLast4: request.card.last4,
        notifyUrl: request.notifyUrl,
        description: request.description,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200) throw new Error(`the gateway answered ${response.status}`);
    const body = (await response.json()) as { accepted: boolean; channelOrderId?: string; reason?: string };
    return {
      accepted: body.accepted,
      channelOrderId: body.channelOrderId ?? null,
      ...(body.reason ? { reason: body.reason } : {}),
    };
  }

  charge(request: ChannelRequest): Promise<ChannelAccepted> {
    return this.post('/v1/charges', request);
  }

  payout(request: ChannelRequest): Promise<ChannelAccepted> {
    return this.post('/v1/payouts', request);
  }

  async query(orderId: string): Promise<{
    status: ChannelStatus | 'unknown';
    amount?: bigint;
    currency?: string;
    channelOrderId?: string;
  }> {
    const response = await fetch(`${this.baseUrl}/v1/orders/${encodeURIComponent(orderId)}`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 404) return { status: 'unknown' };
    if (response.status !== 200) throw new Error(`the gateway answered ${response.status}`);
    const body = (await response.json()) as {
      status: ChannelStatus;
      amount: string;
      currency: unknown;
      channelOrderId: string;
    };
    const amount = parseAmount(body.amount, CNY);
    return {
      status: body.status,
      channelOrderId: body.channelOrderId,
      ...(amount.ok ? { amount: amount.value } : {}),
      ...(typeof body.currency === 'string' ? { currency: body.currency } : {}),
    };
  }

  async statement(businessDate: string): Promise<StatementLine[]> {
    const response = await fetch(`${this.baseUrl}/v1/statements/${businessDate}`, {
      signal: AbortSignal.timeout(30_000),
    });
    if (response.status !== 200) throw new Error(`the gateway answered ${response.status}`);
    const [header, ...rows] = (await response.text()).trim().split('\n');
    if (header !== 'channel_order_id,order_id,type,amount,currency,status,completed_at')
      throw new Error('unexpected statement format');
    return rows.filter(Boolean).map((row) => {
      const [channelOrderId, orderId, type, amount, currency, status] = row.split(',');
      const parsed = parseAmount(amount ?? '', CNY);
      if (!parsed.ok) throw new Error(`unreadable amount in statement: ${amount}`);
      return {
        channelOrderId: channelOrderId!,
        orderId: orderId!,
        type: type as 'charge' | 'payout',
        amount: parsed.value,
        currency: currency!,
        status: status as ChannelStatus,
      };
    });
  }

  verifyNotification(
    headers: Record<string, string | string[] | undefined>,
    rawBody: string,
    now: Date,
  ): NotificationCheck {
    const timestamp = Number(headers['x-sim-timestamp']);
    const signature = String(headers['x-sim-signature'] ?? '');
    if (!Number.isInteger(timestamp) || !signatureMatches(this.secret, timestamp, rawBody, signature)) {
      return { ok: false, reason: 'signature_invalid' };
    }
    if (Math.abs(now.getTime() / 1000 - timestamp) > this.toleranceSeconds)
      return { ok: false, reason: 'timestamp_out_of_window' };
    try {
      const body = JSON.parse(rawBody) as Record<string, unknown>;
      const amount = parseAmount(String(body.amount), CNY);
      const completedAt = new Date(String(body.completedAt));
      if (
        typeof body.notificationId !== 'string' ||
        typeof body.orderId !== 'string' ||
        typeof body.channelOrderId !== 'string' ||
        typeof body.account !== 'string' ||
        typeof body.currency !== 'string' ||
        (body.type !== 'charge' && body.type !== 'payout') ||
        (body.status !== 'succeeded' && body.status !== 'failed') ||
        !amount.ok ||
        Number.isNaN(completedAt.getTime())
      ) {
        return { ok: false, reason: 'payload_malformed' };
      }
      const notification: ChannelNotification = {
        notificationId: body.notificationId,
        orderId: body.orderId,
        channelOrderId: body.channelOrderId,
        account: body.account,
        type: body.type,
        status: body.status,
        amount: amount.value,
        currency: body.currency,
        completedAt,
      };
      return { ok: true, notification };
    } catch {
      return { ok: false, reason: 'payload_malformed' };
    }
  }
}
