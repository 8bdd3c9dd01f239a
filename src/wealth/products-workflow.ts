import type { WealthContext } from './context.ts';

/** Products' lifecycle: draft, approval by a second person, publication, closing; all audited (issue 18: written by its owner). */
export class ProductWorkflow {
  constructor(readonly context: WealthContext) {}
}
