import { FileProtectOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { type ContractSummary, pdfUrl } from './types.ts';

/**
 * The signed contract of a deal the customer is party to (a loan, a note's sale, a line), as a
 * download of its governing Chinese PDF; nothing while the deal has none (a listing not yet
 * disbursed). One query of the customer's contracts serves every link on a page.
 */
export function ContractLink({ subjectId }: { subjectId: string }) {
  const { t } = useTranslation('contracts');
  const mine = useQuery({
    queryKey: ['contracts', 'mine'],
    queryFn: () => api.get<{ items: ContractSummary[] }>('/v1/me/contracts', { limit: 200 }),
    staleTime: 60_000,
  });
  const contract = mine.data?.items.find((c) => c.subjectId === subjectId);
  if (!contract) return null;
  return (
    <Tooltip title={contract.number}>
      <Button
        size="small"
        icon={<FileProtectOutlined />}
        href={pdfUrl(contract.id, 'zh')}
        download={`${contract.number}-zh.pdf`}
        aria-label={t('download', { number: contract.number, language: t('language.zh') })}
      >
        {t('contract')}
      </Button>
    </Tooltip>
  );
}
