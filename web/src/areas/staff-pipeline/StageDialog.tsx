import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, DatePicker, Form, Input, Modal, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, newKey } from '../../api.ts';
import { ErrorAlert } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { labelOf, useSettings } from './shared.tsx';
import { type Prospect, type ProspectDetail, TARGETS } from './types.ts';

interface Values {
  stage: string;
  note?: string;
  expectedOn?: Dayjs;
  reasonCode?: string;
  reasonText?: string;
}

/** The stage change dialog: the new stage, why, and the fields that stage requires. */
export function StageDialog({ prospect, onDone }: { prospect: Prospect; onDone: () => void }) {
  const { t } = useTranslation('staffPipeline');
  const client = useQueryClient();
  const { message } = App.useApp();
  const settings = useSettings();
  const [form] = Form.useForm<Values>();
  const stage = Form.useWatch('stage', form);
  const reasonCode = Form.useWatch('reasonCode', form);
  const [key, setKey] = useState(newKey);
  const change = useMutation({
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (v: Values) =>
      api.post<ProspectDetail>(
        `/v1/crm/prospects/${prospect.id}/stage`,
        {
          stage: v.stage,
          ...(v.note ? { note: v.note } : {}),
          ...(v.stage === 'not_now' && v.expectedOn ? { expectedOn: v.expectedOn.format('YYYY-MM-DD') } : {}),
          ...(v.stage === 'definitely_not'
            ? { reasonCode: v.reasonCode, reasonText: v.reasonText || undefined }
            : {}),
        },
        key,
      ),
    onSuccess: () => {
      void message.success(t('saved'));
      void client.invalidateQueries({ queryKey: ['crm'] });
      onDone();
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  const required = [{ required: true, message: t('common:validation.required') }];
  return (
    <Modal
      open
      title={t('changeStage')}
      onCancel={onDone}
      onOk={() => form.submit()}
      confirmLoading={change.isPending}
      okText={t('save')}
    >
      {change.isError && <ErrorAlert error={change.error} />}
      <Form form={form} layout="vertical" name="change-stage" onFinish={(v) => change.mutate(v)}>
        <Form.Item name="stage" label={t('newStage')} rules={required}>
          <Select options={TARGETS.map((s) => ({ value: s, label: t(`stages.${s}`) }))} />
        </Form.Item>
        {stage && (
          <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t(`stageHints.${stage}`)} />
        )}
        {stage === 'not_now' && (
          <Form.Item name="expectedOn" label={t('expectedOn')} rules={required}>
            <DatePicker />
          </Form.Item>
        )}
        {stage === 'definitely_not' && (
          <>
            <Form.Item name="reasonCode" label={t('reason')} rules={required}>
              <Select
                options={(settings.data?.reasons ?? []).map((r) => ({
                  value: r.code,
                  label: labelOf(r.label, r.code),
                }))}
              />
            </Form.Item>
            <Form.Item
              name="reasonText"
              label={t('reasonText')}
              rules={reasonCode === 'other' ? [{ ...required[0], whitespace: true }] : []}
            >
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          </>
        )}
        <Form.Item name="note" label={t('note')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
