import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Radio } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newKey } from '../../api.ts';
import { ErrorAlert } from '../../components/ui.tsx';

interface Values {
  decision: 'accepted' | 'remediate';
  note: string;
}

/** Legal's decision on a contract's deviations: accepted as they are, or to be remediated, with a note. */
export function ReviewForm({ contractId, onDone }: { contractId: string; onDone?: () => void }) {
  const { t } = useTranslation('staffContracts');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [key] = useState(newKey);
  const review = useMutation({
    mutationFn: (values: Values) => api.post(`/v1/contracts/${contractId}/review`, values, key),
    onSuccess: async () => {
      message.success(t('review.done'));
      await client.invalidateQueries({ queryKey: ['contracts'] });
      onDone?.();
    },
  });
  return (
    <Form<Values>
      layout="vertical"
      onFinish={(values) => review.mutate(values)}
      initialValues={{ decision: 'accepted' }}
    >
      <Form.Item name="decision" label={t('review.decision')} rules={[{ required: true }]}>
        <Radio.Group
          options={[
            { value: 'accepted', label: t('review.accept') },
            { value: 'remediate', label: t('review.remediate') },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="note"
        label={t('review.note')}
        rules={[
          { required: true, whitespace: true, message: t('common:validation.required') },
          { max: 2000, message: t('review.noteTooLong') },
        ]}
      >
        <Input.TextArea rows={3} maxLength={2000} />
      </Form.Item>
      {review.isError && <ErrorAlert error={review.error} />}
      <Button type="primary" htmlType="submit" loading={review.isPending}>
        {t('review.submit')}
      </Button>
    </Form>
  );
}
