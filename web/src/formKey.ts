import { useState } from 'react';
import { ApiError, newKey } from './api.ts';

/**
 * One Idempotency-Key per form submission. netfin stores a 4xx answer under its key and replays it
 * (and refuses the key with another body), so after any answer the server gave (success or 4xx) the
 * next submit needs a new key; after a network error or a 5xx the same key retries safely.
 */
export function useFormKey() {
  const [key, setKey] = useState(newKey);
  return {
    key,
    renew: () => setKey(newKey()),
    renewAfter: (error: unknown) => {
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) setKey(newKey());
    },
  };
}
