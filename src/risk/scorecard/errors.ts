import { DomainError } from '../../kernel/errors.ts';

/**
 * Every way a scorecard input can be refused. The codes read as sentences so that the CLI and the API
 * can show them as they are; the message names the column, row or value at fault.
 */
export type ScorecardErrorCode =
  | 'csv_malformed'
  | 'csv_empty'
  | 'target_column_not_found'
  | 'column_not_found'
  | 'bad_value_not_found'
  | 'single_class'
  | 'too_few_rows'
  | 'column_not_numeric'
  | 'no_usable_variables'
  | 'invalid_option'
  | 'model_invalid';

/**
 * A refused input. It is a DomainError of kind `invalid`, so the API maps it to a 400 like any other
 * malformed request, and the CLI prints `code: message`.
 */
export class ScorecardError extends DomainError {
  override name = 'ScorecardError';
  declare readonly code: ScorecardErrorCode;

  constructor(code: ScorecardErrorCode, message: string, details?: unknown) {
    super(code, 'invalid', message, details);
  }
}
