import { Col, Row } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../components/ui.tsx';
import { CreateOrder } from './CreateOrder.tsx';
import { OrderList } from './OrderList.tsx';
import { QrModal } from './QrModal.tsx';
import { Summary } from './Summary.tsx';

/** The merchant's counter: today's numbers, a new order with its QR code, the orders and refunds. */
export function MerchantPage() {
  const { t } = useTranslation('merchant');
  const [qrFor, setQrFor] = useState<string | null>(null);
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <CreateOrder onCreated={setQrFor} />
        </Col>
        <Col xs={24} lg={14}>
          <Summary />
        </Col>
        <Col span={24}>
          <OrderList onShowQr={setQrFor} />
        </Col>
      </Row>
      <QrModal orderId={qrFor} onClose={() => setQrFor(null)} />
    </>
  );
}
