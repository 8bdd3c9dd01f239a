import '@gorules/jdm-editor/dist/style.css';
import './monaco.ts';
import { createJdmNode, DecisionGraph, type DecisionGraphType, JdmConfigProvider } from '@gorules/jdm-editor';
import { theme } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
// The editor renders with its own Ant Design 5 (not the app's 6), whose ConfigProvider does not hear
// the app's locale: the locale is given to that copy's ConfigProvider, which JdmConfigProvider's inherits.
import EditorConfig from '../../../../node_modules/@gorules/jdm-editor/node_modules/antd/es/config-provider/index.js';
import editorEn from '../../../../node_modules/@gorules/jdm-editor/node_modules/antd/es/locale/en_US.js';
import editorZh from '../../../../node_modules/@gorules/jdm-editor/node_modules/antd/es/locale/zh_CN.js';

/** True on antd's dark algorithm: its container background is dark. */
function isDark(colour: string): boolean {
  const hex = colour.replace('#', '');
  if (hex.length < 6) return false;
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return (r ?? 255) + (g ?? 255) + (b ?? 255) < 384;
}

// Stable across renders: a new array would rebuild React Flow's node types.
const NO_COMPONENTS: [] = [];

/**
 * The visual JDM editor (GoRules), loaded only by the graph page: it brings its own antd 5, reactflow,
 * codemirror and monaco. A customNode of kind "scorecard" is netfin's credit model; its one setting
 * names the model.
 */
export default function GraphEditor({
  value,
  onChange,
  disabled,
}: {
  value: DecisionGraphType;
  onChange: (value: DecisionGraphType) => void;
  disabled: boolean;
}) {
  const { t, i18n } = useTranslation('staffRisk');
  const { token } = theme.useToken();
  const customNodes = useMemo(
    () => [
      createJdmNode({
        kind: 'scorecard',
        displayName: t('scorecardNode'),
        shortDescription: t('scorecardHelp'),
        group: 'netfin',
        inputs: [{ name: 'model', control: 'text', label: t('model') }],
      }),
    ],
    [t],
  );
  return (
    <EditorConfig locale={i18n.language.startsWith('zh') ? editorZh : editorEn}>
      <JdmConfigProvider
        theme={{
          mode: isDark(token.colorBgContainer) ? 'dark' : 'light',
          token: { colorPrimary: token.colorPrimary },
        }}
      >
        <DecisionGraph
          value={value}
          onChange={onChange}
          disabled={disabled}
          components={NO_COMPONENTS}
          customNodes={customNodes}
        />
      </JdmConfigProvider>
    </EditorConfig>
  );
}
