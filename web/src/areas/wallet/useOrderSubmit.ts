import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormInstance } from 'antd';
import { api } from '../../api.ts';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import type { Order } from './types.ts';

/**
 * Submits a wallet form that creates a payment order (top-up, withdrawal, transfer): one key per
 * submission, the wallet and its history refreshed after, the API's field errors shown beside the
 * fields, and a typed payment password cleared after a refusal.
 */
export function useOrderSubmit<V extends object>(
  form: FormInstance<V>,
  path: string,
  body: (values: V) => object,
  onCreated?: (order: Order) => void,
) {
  const client = useQueryClient();
  const { key, renew, renewAfter } = useFormKey();
  return useMutation({
    mutationFn: (values: V) => api.post<Order>(path, body(values), key),
    onSuccess: (order) => {
      renew();
      onCreated?.(order);
      void client.invalidateQueries({ queryKey: ['wallet'] });
      void client.invalidateQueries({ queryKey: ['transactions'] });
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
      if ('paymentPassword' in (form.getFieldsValue() as object))
        form.setFieldValue('paymentPassword' as never, '');
    },
  });
}
