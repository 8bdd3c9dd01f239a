import { QuestionCircleOutlined } from '@ant-design/icons';
import { Button, Popover, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { EDITOR_CHROME_ZH } from './editorChrome.ts';

/**
 * The decision-graph editor's own labels, as the editor writes them (in English: GraphEditor shows them
 * in Chinese through editorChrome.ts), each with the key of what it means in the page's language.
 */
const TERMS = [
  [['Graph'], 'graph'],
  [['Components'], 'components'],
  [['Request'], 'request'],
  [['Response'], 'response'],
  [['Decision table'], 'decisionTable'],
  [['Expression'], 'expression'],
  [['Function'], 'function'],
  [['Switch'], 'switch'],
  [['Configure', 'Edit Table', 'Edit Expression'], 'edit'],
  [['Settings'], 'settings'],
  [['Hit Policy', 'First', 'Collect'], 'hitPolicy'],
  [['Passthrough'], 'passthrough'],
  [['Input field', 'Output path'], 'paths'],
  [['Execution mode', 'Single', 'Loop'], 'executionMode'],
  [['Inputs', 'Outputs'], 'columns'],
  [['Add row', 'Add Condition'], 'addRow'],
  [['Export Excel', 'Import Excel'], 'excel'],
  [['Upload JSON', 'Download JSON'], 'json'],
] as const;

/**
 * A button in the editor's tab bar that opens what each of the editor's own labels means: in Chinese,
 * each label as the editor now shows it, with the English of GoRules' documentation beneath.
 */
export function EditorGuide() {
  const { t, i18n } = useTranslation('staffRisk');
  const zh = i18n.language.startsWith('zh');
  const content = (
    <div style={{ width: 480, maxWidth: '80vw', maxHeight: '50vh', overflowY: 'auto' }}>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('editorGuide.note')}
      </Typography.Paragraph>
      <dl
        style={{
          display: 'grid',
          gridTemplateColumns: 'minmax(0, 2fr) minmax(0, 3fr)',
          gap: '6px 16px',
          margin: 0,
        }}
      >
        {TERMS.map(([labels, key]) => {
          const english = labels.join(' · ');
          return (
            <div key={key} style={{ display: 'contents' }}>
              <dt>
                {zh ? (
                  <>
                    <Typography.Text strong>
                      {labels.map((label) => EDITOR_CHROME_ZH.get(label) ?? label).join(' · ')}
                    </Typography.Text>
                    <br />
                    <Typography.Text type="secondary" lang="en" translate="no" style={{ fontSize: 12 }}>
                      {english}
                    </Typography.Text>
                  </>
                ) : (
                  <Typography.Text strong lang="en">
                    {english}
                  </Typography.Text>
                )}
              </dt>
              <dd style={{ margin: 0 }}>{t(`editorGuide.terms.${key}`)}</dd>
            </div>
          );
        })}
      </dl>
    </div>
  );
  return (
    <Popover trigger="click" placement="bottomRight" title={t('editorGuide.title')} content={content}>
      <Button type="text" size="small" icon={<QuestionCircleOutlined />} style={{ marginInlineEnd: 8 }}>
        {t('editorGuide.open')}
      </Button>
    </Popover>
  );
}
