import { Alert, Modal, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { currentLanguage } from '../../i18n/index.ts';

interface Warning {
  readonly zh: string;
  readonly en: string;
}

/**
 * The suitability flow of a purchase: a 409 suitability_warning answer opens a dialog with the
 * warning's text (naming both levels) in the user's language; confirming sends the purchase again with
 * acknowledgeRisk: true (the server records the acknowledgement with its time and that text).
 */
export function useSuitability(): {
  /** True when the error was the warning (the dialog is now open and will call `retry`). */
  intercept: (error: unknown, retry: () => void) => boolean;
  dialog: ReactNode;
} {
  const { t } = useTranslation('wealth');
  const [pending, setPending] = useState<{ warning: Warning; retry: () => void } | null>(null);
  const intercept = (error: unknown, retry: () => void) => {
    if (!(error instanceof ApiError) || error.code !== 'suitability_warning') return false;
    const warning = (error.details as { warning?: Warning } | undefined)?.warning;
    setPending({ warning: warning ?? { zh: error.message, en: error.message }, retry });
    return true;
  };
  const text = pending ? pending.warning[currentLanguage()] : '';
  const dialog = (
    <Modal
      open={!!pending}
      title={t('suitability.title')}
      okText={t('suitability.confirm')}
      okButtonProps={{ danger: true }}
      cancelText={t('common:action.cancel')}
      destroyOnHidden
      onOk={() => {
        pending?.retry();
        setPending(null);
      }}
      onCancel={() => setPending(null)}
    >
      <Alert type="warning" showIcon role="alert" title={text} style={{ marginBottom: 12 }} />
      <Typography.Text type="secondary">{t('suitability.hint')}</Typography.Text>
    </Modal>
  );
  return { intercept, dialog };
}
