import { ApiError } from '../../api.ts';
import { errorText } from '../../errors.ts';
import i18n from '../../i18n/index.ts';

/** Conduct-rule refusals in this area's words in both languages; anything else as the app shows it. */
export function collectionsErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    const key = `staffCollections:errors.${error.code}`;
    if (i18n.exists(key)) return i18n.t(key);
  }
  return errorText(error);
}
