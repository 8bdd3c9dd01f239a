/** Consumer credit: line products, revolving credit lines, cash draws and repayments, line management. */
export { CREDIT_INTEREST_INCOME_ACCOUNT, CreditCode, type LineBalances, lineAccount } from './accounts.ts';
export type { LineApplication, LineDecision } from './apply.ts';
export { drawApr, instalmentApr, type LinePricing, linePricing } from './apr.ts';
export type { DrawResult, RepaymentResult } from './draws.ts';
export { LINE_STATUSES, type Line, type LineEvent, type LineStatus } from './lines.ts';
export { DEFAULT_LINE_PRODUCTS, type LineProduct, type LineProductConfig } from './products.ts';
export { Credit, type CreditOptions } from './service.ts';
