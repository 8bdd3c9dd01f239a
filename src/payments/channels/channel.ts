/**
 * A payment channel (a bank or a third-party gateway) behind one interface: charge a bound card,
 * pay out to one, ask about an order, fetch a day's statement, and check the signed notifications it
 * sends back. netfin ships a client for its own simulated gateway; a real channel is another adapter.
 */
export type ChannelStatus = 'pending' | 'succeeded' | 'failed';

export interface ChannelRequest {
  readonly orderId: string;
  readonly amount: bigint;
  readonly currency: string;
  readonly card: { readonly bankCode: string; readonly last4: string };
  readonly notifyUrl: string;
  readonly description: string;
}

export interface ChannelAccepted {
  readonly accepted: boolean;
  readonly channelOrderId: string | null;
  /** Why a channel refused at once (a declined card, say), if it did. */
  readonly reason?: string;
}

export interface ChannelNotification {
  readonly notificationId: string;
  readonly orderId: string;
  readonly channelOrderId: string;
  /** netfin's merchant account at the channel that the payment was made for. */
  readonly account: string;
  readonly type: 'charge' | 'payout';
  readonly status: 'succeeded' | 'failed';
  readonly amount: bigint;
  readonly currency: string;
  readonly completedAt: Date;
}

export interface StatementLine {
  readonly orderId: string;
  readonly channelOrderId: string;
  readonly type: 'charge' | 'payout';
  readonly amount: bigint;
  readonly currency: string;
  readonly status: ChannelStatus;
}

export type NotificationCheck =
  | { readonly ok: true; readonly notification: ChannelNotification }
  | {
      readonly ok: false;
      readonly reason: 'signature_invalid' | 'timestamp_out_of_window' | 'payload_malformed';
    };

export interface PaymentChannel {
  readonly name: string;
  /**
   * netfin's merchant account at this channel. A gateway serves many merchants and names the account
   * in each notification; one that names another account is not about netfin's order.
   */
  readonly account: string;
  charge(request: ChannelRequest): Promise<ChannelAccepted>;
  payout(request: ChannelRequest): Promise<ChannelAccepted>;
  query(orderId: string): Promise<{
    status: ChannelStatus | 'unknown';
    amount?: bigint;
    currency?: string;
    channelOrderId?: string;
  }>;
  statement(businessDate: string): Promise<StatementLine[]>;
  /** Verifies a notification's signature and freshness over its exact bytes. */
  verifyNotification(
    headers: Record<string, string | string[] | undefined>,
    rawBody: string,
    now: Date,
  ): NotificationCheck;
  /** What to answer so that the channel stops resending. */
  readonly acknowledgement: string;
}
