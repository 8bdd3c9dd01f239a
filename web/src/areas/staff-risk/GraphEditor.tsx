import '@gorules/jdm-editor/dist/style.css';
import './monaco.ts';
import { CalculatorOutlined } from '@ant-design/icons';
import {
  createJdmNode,
  DecisionGraph,
  type DecisionGraphProps,
  type DecisionGraphType,
  JdmConfigProvider,
} from '@gorules/jdm-editor';
import { theme } from 'antd';
import { useCallback, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
// The editor renders with its own Ant Design 5 (not the app's 6), whose ConfigProvider does not hear
// the app's locale: the locale is given to that copy's ConfigProvider, which JdmConfigProvider's inherits.
import EditorConfig from '../../../../node_modules/@gorules/jdm-editor/node_modules/antd/es/config-provider/index.js';
import editorEn from '../../../../node_modules/@gorules/jdm-editor/node_modules/antd/es/locale/en_US.js';
import editorZh from '../../../../node_modules/@gorules/jdm-editor/node_modules/antd/es/locale/zh_CN.js';
import { isDarkBackground } from '../../components/theme.ts';
import { EditorGuide } from './EditorGuide.tsx';
import { EDITOR_CHROME_ZH } from './editorChrome.ts';
import { useEditorChrome } from './useEditorChrome.ts';

// Stable across renders: a new array would rebuild React Flow's node types.
const NO_COMPONENTS: [] = [];

/** Frames to wait for React Flow to measure the nodes before the first fit (about a second). */
const FIT_FRAMES = 60;
/** The smallest zoom the first view takes: below it a node's labels are too small to read. */
const READABLE_ZOOM = 0.75;
const FIT_PADDING_PX = 24;

type Flow = Parameters<NonNullable<DecisionGraphProps['onReactFlowInit']>>[0];

/**
 * The first view of a graph: the editor itself opens at 1:1 on the top left corner, which leaves a long
 * graph running off the right edge and a short one in a corner. Once the nodes are measured, the whole
 * graph is shown centred, as large as fits up to 1:1; a graph too long to read whole starts at its
 * left end (the request) at the smallest readable zoom, the rest a pan away.
 */
function fitOnOpen(flow: Flow): void {
  const tryFit = (frame: number) => {
    const nodes = flow.getNodes();
    if (nodes.length === 0 || !nodes.every((node) => node.width && node.height)) {
      if (frame < FIT_FRAMES) requestAnimationFrame(() => tryFit(frame + 1));
      return;
    }
    flow.fitView({ padding: 0.1, minZoom: READABLE_ZOOM, maxZoom: 1 });
    const { x, y, zoom } = flow.getViewport();
    const left = Math.min(...nodes.map((node) => (node.positionAbsolute ?? node.position).x));
    if (left * zoom + x < 0) flow.setViewport({ x: FIT_PADDING_PX - left * zoom, y, zoom });
  };
  tryFit(0);
}

/**
 * The visual JDM editor (GoRules), loaded only by the graph page: it brings its own antd 5, reactflow,
 * codemirror and monaco. A customNode of kind "scorecard" is netfin's credit model; its one setting
 * names the model.
 *
 * The page's language reaches the editor in three ways. The scorecard node is ours (name, help, its
 * setting's label). antd's own texts in the editor (confirm buttons, empty states, pickers) follow the
 * locale below. The editor's own labels, which @gorules/jdm-editor 1.52 writes as English string
 * literals with no i18n, locale or label props (node kinds "Request", "Decision table"…, "Edit Table",
 * "Settings", "Components (Drag-and-drop)", the decision table's "Inputs", "Add row", "Hit Policy",
 * the menus and tooltips), are translated in the page by useEditorChrome from the dictionary in
 * editorChrome.ts, never touching what a person wrote; the editor's popups (menus, tooltips,
 * popovers, dialogs) open inside the same element so that they are translated too. The guide in the
 * tab bar says what each label means.
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
  const zh = i18n.language.startsWith('zh');
  const chrome = useRef<HTMLDivElement>(null);
  useEditorChrome(chrome, zh ? EDITOR_CHROME_ZH : null);
  const popupContainer = useCallback(() => chrome.current ?? document.body, []);
  const guide = useMemo(() => <EditorGuide />, []);
  const customNodes = useMemo(
    () => [
      createJdmNode({
        kind: 'scorecard',
        displayName: t('scorecardNode'),
        shortDescription: t('scorecardHelp'),
        group: 'netfin',
        icon: <CalculatorOutlined />,
        inputs: [{ name: 'model', control: 'text', label: t('model') }],
      }),
    ],
    [t],
  );
  return (
    <div ref={chrome} style={{ height: '100%', position: 'relative' }}>
      <EditorConfig locale={zh ? editorZh : editorEn} getPopupContainer={popupContainer}>
        <JdmConfigProvider
          theme={{
            mode: isDarkBackground(token.colorBgContainer) ? 'dark' : 'light',
            token: { colorPrimary: token.colorPrimary },
          }}
        >
          <DecisionGraph
            value={value}
            onChange={onChange}
            disabled={disabled}
            components={NO_COMPONENTS}
            customNodes={customNodes}
            tabBarExtraContent={guide}
            onReactFlowInit={fitOnOpen}
          />
        </JdmConfigProvider>
      </EditorConfig>
    </div>
  );
}
