import { QuestionCircleOutlined } from '@ant-design/icons';
import { Button, Popover, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * The labels the decision-graph editor shows in English whatever the page's language (GraphEditor says
 * why), as the editor writes them, each with the key of what it means in the page's language.
 */
const TERMS = [
  ['Graph', 'graph'],
  ['Components (Drag-and-drop)', 'components'],
  ['Request', 'request'],
  ['Response', 'response'],
  ['Decision table', 'decisionTable'],
  ['Expression', 'expression'],
  ['Function', 'function'],
  ['Switch', 'switch'],
  ['Configure · Edit Table · Edit Expression', 'edit'],
  ['Settings', 'settings'],
  ['Hit Policy: First · Collect', 'hitPolicy'],
  ['Passthrough', 'passthrough'],
  ['Input field · Output path', 'paths'],
  ['Execution mode: Single · Loop', 'executionMode'],
  ['Inputs · Outputs', 'columns'],
  ['Add row · Add Condition', 'addRow'],
  ['Export Excel · Import Excel', 'excel'],
  ['Upload JSON · Download JSON', 'json'],
] as const;

/** A button in the editor's tab bar that opens what each of the editor's own labels means. */
export function EditorGuide() {
  const { t } = useTranslation('staffRisk');
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
        {TERMS.map(([label, key]) => (
          <div key={key} style={{ display: 'contents' }}>
            <dt>
              <Typography.Text strong lang="en">
                {label}
              </Typography.Text>
            </dt>
            <dd style={{ margin: 0 }}>{t(`editorGuide.terms.${key}`)}</dd>
          </div>
        ))}
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
