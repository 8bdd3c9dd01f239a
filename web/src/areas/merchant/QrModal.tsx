import { useQuery } from '@tanstack/react-query';
import { Flex, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { QueryView } from '../../components/ui.tsx';

/** An order's QR code (the API draws it as SVG) and its payload as text to copy. */
export function QrModal({ orderId, onClose }: { orderId: string | null; onClose: () => void }) {
  const { t } = useTranslation('merchant');
  const qr = useQuery({
    queryKey: ['merchant', 'qr', orderId],
    queryFn: () => api.get<{ payload: string; svg: string }>(`/v1/merchant/orders/${orderId}/qr`),
    enabled: !!orderId,
    staleTime: Number.POSITIVE_INFINITY,
  });
  return (
    <Modal open={!!orderId} title={t('qrTitle')} onCancel={onClose} footer={null} destroyOnHidden>
      <QueryView query={qr}>
        {(data) => (
          <Flex vertical align="center" gap={12}>
            <img
              src={`data:image/svg+xml;utf8,${encodeURIComponent(data.svg)}`}
              alt={t('qrAlt', { id: orderId })}
              width={240}
              height={240}
              style={{ background: '#fff', borderRadius: 8 }}
            />
            <Typography.Text type="secondary">{t('qrHint')}</Typography.Text>
            <div style={{ width: '100%' }}>
              <Typography.Text strong id="merchant-payload-label">
                {t('payload')}
              </Typography.Text>
              <Typography.Paragraph
                copyable
                code
                aria-labelledby="merchant-payload-label"
                data-testid="qr-payload"
                style={{ wordBreak: 'break-all', marginTop: 4 }}
              >
                {data.payload}
              </Typography.Paragraph>
            </div>
          </Flex>
        )}
      </QueryView>
    </Modal>
  );
}
