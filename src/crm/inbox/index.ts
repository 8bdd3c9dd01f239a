/** The service inbox's public surface inside the CRM context (re-exported by src/crm/index.ts). */
export { type InboxAdapter, type OutboundMessage, SimulatedAdapter, signInbound } from './adapters.ts';
export { type InboxEvent, InboxEvents, type InboxListener } from './events.ts';
export {
  type CallLogInput,
  type CannedAnswer,
  type CannedInput,
  CHANNELS as INBOX_CHANNELS,
  Inbox,
  type InboxOptions,
  STATUSES as TICKET_STATUSES,
  type TicketStatus,
} from './service.ts';
export { DEFAULT_INBOX_SETTINGS, type InboxSettings, type SlaState } from './settings.ts';
