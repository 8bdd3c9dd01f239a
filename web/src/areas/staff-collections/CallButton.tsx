import { PhoneOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { collectionsErrorText } from './errorMessage.ts';

interface Call {
  id: string;
  maskedNumber: string | null;
  reference: string;
}

/**
 * "Call" beside a masked number: the server logs the attempt under the conduct rules and answers with
 * what a softphone needs (a reference and the number, still masked); the contact history shows it.
 */
export function CallButton({ caseId, target, who }: { caseId: string; target: string; who: string }) {
  const { t } = useTranslation('staffCollections');
  const { message } = App.useApp();
  const client = useQueryClient();
  const call = useMutation({
    mutationFn: () => api.post<Call>(`/v1/collections/cases/${caseId}/calls`, { target }),
    onSuccess: (placed) => {
      void message.info(t('calling', { number: placed.maskedNumber ?? '—', reference: placed.reference }));
      void client.invalidateQueries({ queryKey: ['collections', 'case', caseId] });
    },
    onError: (error) => void message.error(collectionsErrorText(error)),
  });
  return (
    <Button
      size="small"
      icon={<PhoneOutlined />}
      aria-label={t('callTo', { who })}
      loading={call.isPending}
      onClick={() => call.mutate()}
    >
      {t('call')}
    </Button>
  );
}
