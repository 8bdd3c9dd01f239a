import type { Executor } from '../../db/index.ts';
import type { Identity } from '../../identity/index.ts';
import { type Clock, DomainError } from '../../kernel/index.ts';
import type { BusinessCalendar } from './due.ts';

export interface PipelineContext {
  readonly db: Executor;
  readonly clock: Clock;
  readonly identity: Identity;
  /** The business calendar around a date (wealth's trading calendar). */
  readonly calendar: BusinessCalendar;
}

/**
 * Who acts on the pipeline: a staff member who follows their own prospects (crm:follow), or a
 * manager (crm:manage) who may see and act on everyone's. The admin token is a manager with no user id.
 */
export interface Viewer {
  readonly userId: string | null;
  readonly manager: boolean;
}

/** A follower works their own prospects and tasks; a manager any. */
export function checkOwner(ownerId: string, viewer: Viewer, what: 'prospect' | 'task') {
  if (!viewer.manager && ownerId !== viewer.userId)
    throw new DomainError(`${what}_not_yours`, 'forbidden', `this ${what} is another member of staff’s`);
}
