export { allocate, splitEvenly } from './allocate.ts';
export { AssertionError, assert, unreachable } from './assert.ts';
export { CanonicalJsonError, canonicalJson, canonicalSha256 } from './canonical-json.ts';
export { BUSINESS_TIME_ZONE, type Clock, ManualClock, systemClock } from './clock.ts';
export { Coalescer } from './coalescer.ts';
export { csvCell, csvDocument } from './csv.ts';
export { CNY, type Currency, currencyCodes, findCurrency, JPY, USD } from './currency.ts';
export {
  addDays,
  addMonths,
  compareDates,
  DAY_COUNTS,
  type DayCount,
  dateInZone,
  dateParts,
  daysBetween,
  daysInMonth,
  endOfMonth,
  fromEpochDay,
  fromParts,
  isLeapYear,
  type PlainDate,
  parseDate,
  plainDate,
  toEpochDay,
  yearFraction,
} from './dates.ts';
export {
  applyRate,
  Decimal,
  type DecimalParseError,
  formatDecimal,
  parseDecimal,
  roundToInteger,
  toFraction,
} from './decimal.ts';
export {
  conflict,
  DomainError,
  type ErrorKind,
  err,
  invalid,
  isStorableText,
  notFound,
  ok,
  type Result,
  ruleViolation,
  unwrapOrInvalid,
} from './errors.ts';
export {
  type Answer,
  CommitOutcomeUnknown,
  GroupCommit,
  type GroupCommitOptions,
  infrastructureFailure,
  shuttingDown,
} from './group-commit.ts';
export { isUuid, uuidv7 } from './ids.ts';
export {
  type AmountParseError,
  addMoney,
  fitsInt8,
  formatAmount,
  formatAmountGrouped,
  formatMoney,
  MINOR_MAX,
  MINOR_MIN,
  type Money,
  money,
  type ParseAmountOptions,
  parseAmount,
  subtractMoney,
} from './money.ts';
export type { QueueObserver } from './queue-observer.ts';
export { divideRounded, ROUNDING_MODES, type RoundingMode } from './rounding.ts';
