import { Button, Checkbox, Form, Modal, Typography } from 'antd';
import { Fragment, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The versions of the texts, as the server records them when the box is ticked (consents.ts). */
export const TEXT_VERSIONS = { terms: 'terms-2026-12', privacy: 'privacy-2026-12' } as const;
type Text = keyof typeof TEXT_VERSIONS;

const PARAGRAPHS = ['p1', 'p2', 'p3', 'p4', 'p5'] as const;

/** One of the texts in a modal: the demo user agreement or privacy policy, in the page's language. */
function LegalText({ text, onClose }: { text: Text | null; onClose: () => void }) {
  const { t } = useTranslation('auth');
  return (
    <Modal
      open={text !== null}
      title={text ? t(`${text}.title`) : ''}
      onCancel={onClose}
      footer={<Button onClick={onClose}>{t('close')}</Button>}
    >
      {text && (
        <>
          {PARAGRAPHS.map((p) => (
            <Typography.Paragraph key={p}>{t(`${text}.${p}`)}</Typography.Paragraph>
          ))}
          <Typography.Text type="secondary">
            {t('demoText', { version: TEXT_VERSIONS[text] })}
          </Typography.Text>
        </>
      )}
    </Modal>
  );
}

/** The sign-up form's required checkbox, with links that open the two texts. */
export function AgreementField() {
  const { t } = useTranslation('auth');
  const [open, setOpen] = useState<Text | null>(null);
  const link = (text: Text): ReactNode => (
    <Typography.Link
      href={`#${text}`}
      // Underlined: told apart from the sentence around it by more than colour (WCAG 1.4.1).
      style={{ textDecoration: 'underline' }}
      onClick={(event) => {
        // The link sits in the checkbox's label: reading the text does not tick the box.
        event.preventDefault();
        event.stopPropagation();
        setOpen(text);
      }}
    >
      {t(text === 'terms' ? 'termsLink' : 'privacyLink')}
    </Typography.Link>
  );
  // The sentence with its two links in the places the language puts them.
  const parts = t('agree', { terms: '\u0000terms\u0000', privacy: '\u0000privacy\u0000' }).split('\u0000');
  return (
    <>
      <Form.Item
        name="acceptTerms"
        valuePropName="checked"
        rules={[
          {
            validator: (_, value) =>
              value === true ? Promise.resolve() : Promise.reject(new Error(t('mustAgree'))),
          },
        ]}
      >
        <Checkbox>
          {parts.map((part, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the sentence's parts are fixed in order
            <Fragment key={index}>{part === 'terms' || part === 'privacy' ? link(part) : part}</Fragment>
          ))}
        </Checkbox>
      </Form.Item>
      <LegalText text={open} onClose={() => setOpen(null)} />
    </>
  );
}
