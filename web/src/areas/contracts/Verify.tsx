import { CheckCircleOutlined, CloseCircleOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Typography, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { verifyPdf } from './types.ts';

/**
 * Is this PDF a contract netfin signed? The file is sent as it is (nothing is read or changed in the
 * browser); netfin compares its SHA-256 with the documents it stored.
 */
export function VerifyPanel() {
  const { t } = useTranslation('contracts');
  const verify = useMutation({ mutationFn: (file: Blob) => verifyPdf(file) });
  const answer = verify.data;
  return (
    <Card>
      <Typography.Paragraph>{t('verify.explain')}</Typography.Paragraph>
      <Upload
        accept="application/pdf,.pdf"
        showUploadList={false}
        maxCount={1}
        beforeUpload={(file) => {
          verify.mutate(file);
          // Sent by the mutation, not by the Upload component's own request.
          return false;
        }}
      >
        <Button type="primary" icon={<UploadOutlined />} loading={verify.isPending}>
          {t('verify.choose')}
        </Button>
      </Upload>
      <div style={{ marginTop: 16 }} aria-live="polite">
        {verify.isError && <ErrorAlert error={verify.error} />}
        {answer?.match && (
          <Alert
            type="success"
            showIcon
            icon={<CheckCircleOutlined />}
            title={t('verify.match')}
            description={
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('field.number')}>{answer.number}</Descriptions.Item>
                <Descriptions.Item label={t('field.kind')}>
                  {t(`kind.${answer.kind}`, { defaultValue: answer.kind ?? '' })}
                </Descriptions.Item>
                <Descriptions.Item label={t('field.language')}>
                  {answer.language ? t(`language.${answer.language}`) : '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('field.signedAt')}>
                  {formatDate(answer.signedAt)}
                </Descriptions.Item>
                <Descriptions.Item label="SHA-256">
                  <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
                    {answer.sha256}
                  </Typography.Text>
                </Descriptions.Item>
              </Descriptions>
            }
          />
        )}
        {answer && !answer.match && (
          <Alert
            type="error"
            showIcon
            icon={<CloseCircleOutlined />}
            title={t('verify.noMatch')}
            description={
              <Typography.Text code style={{ wordBreak: 'break-all' }}>
                SHA-256 {answer.sha256}
              </Typography.Text>
            }
          />
        )}
      </div>
    </Card>
  );
}

export function Verify() {
  const { t } = useTranslation('contracts');
  return (
    <>
      <PageTitle>{t('verify.title')}</PageTitle>
      <VerifyPanel />
    </>
  );
}
