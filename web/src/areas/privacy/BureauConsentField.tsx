import { Checkbox, Form } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * The credit bureau authorisation (征信授权) on a loan or line application: its text and a checkbox
 * that must be ticked; the form then sends `bureauConsent: true`, which the server records as a
 * credit_bureau consent with the application. The text is the consent text's current version
 * (src/compliance/privacy/consents.ts, credit-bureau-2026-12).
 */
export function BureauConsentField() {
  const { t } = useTranslation('privacy');
  return (
    <Form.Item
      name="bureauConsent"
      valuePropName="checked"
      rules={[
        {
          validator: (_rule, value) =>
            value === true ? Promise.resolve() : Promise.reject(new Error(t('bureauRequired'))),
        },
      ]}
    >
      <Checkbox>{t('bureauAuthorisation')}</Checkbox>
    </Form.Item>
  );
}
