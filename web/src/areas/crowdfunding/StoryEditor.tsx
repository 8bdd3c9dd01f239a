import {
  BoldOutlined,
  ItalicOutlined,
  LinkOutlined,
  OrderedListOutlined,
  PictureOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { Button, Form, Input, Modal, Space, Tooltip, theme } from 'antd';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PictureButton } from './Pictures.tsx';
import { cleanStory, isHttpsUrl } from './story.tsx';

/**
 * A plain rich-text area for a project's story: bold, italic, headings, lists, quotes, links by https
 * address and pictures uploaded to the project (never hot-linked from elsewhere). What it holds is
 * turned into the subset the API accepts on every change (cleanStory), so that what the creator sees
 * is what the platform will show.
 */
export function StoryEditor({
  id,
  value,
  onChange,
  projectId,
  'aria-labelledby': labelledBy,
}: {
  id?: string;
  value?: string;
  onChange?: (html: string) => void;
  /** The draft that pictures are uploaded to; none before the project is first saved. */
  projectId?: string;
  'aria-labelledby'?: string;
}) {
  const { t } = useTranslation('crowdfunding');
  const { token } = theme.useToken();
  const ref = useRef<HTMLDivElement>(null);
  const saved = useRef<Range | null>(null);
  const [asking, setAsking] = useState<'link' | 'image' | null>(null);
  const [form] = Form.useForm<{ url: string; alt?: string }>();

  // The area is filled from the value only when someone else changed it (first load, a reset).
  useEffect(() => {
    const area = ref.current;
    if (!area || document.activeElement === area) return;
    if (cleanStory(area.innerHTML) !== (value ?? '')) area.innerHTML = cleanStory(value ?? '');
  }, [value]);

  const changed = () => onChange?.(cleanStory(ref.current?.innerHTML ?? ''));
  const run = (command: string, argument?: string) => {
    ref.current?.focus();
    document.execCommand(command, false, argument);
    changed();
  };
  const remember = () => {
    const selection = window.getSelection();
    saved.current =
      selection && selection.rangeCount > 0 && ref.current?.contains(selection.anchorNode)
        ? selection.getRangeAt(0)
        : null;
  };
  const insert = ({ url, alt }: { url: string; alt?: string }) => {
    ref.current?.focus();
    const selection = window.getSelection();
    if (saved.current && selection) {
      selection.removeAllRanges();
      selection.addRange(saved.current);
    }
    if (asking !== 'image') {
      if (selection && !selection.isCollapsed) document.execCommand('createLink', false, url);
      else {
        const a = document.createElement('a');
        a.href = url;
        a.textContent = url;
        document.execCommand('insertHTML', false, a.outerHTML);
      }
    } else {
      const img = document.createElement('img');
      img.src = url;
      img.alt = alt ?? '';
      document.execCommand('insertHTML', false, img.outerHTML);
    }
    changed();
    setAsking(null);
    form.resetFields();
  };

  const tool = (label: string, icon: ReactNode, action: () => void) => (
    <Tooltip title={label} key={label}>
      <Button
        size="small"
        type="text"
        icon={icon}
        aria-label={label}
        // Keeps the selection in the text while the button is pressed.
        onMouseDown={(event) => event.preventDefault()}
        onClick={action}
      />
    </Tooltip>
  );
  const block = (label: string, text: string, tag: string) => (
    <Button
      key={tag}
      size="small"
      type="text"
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => run('formatBlock', tag)}
    >
      <span className="visually-hidden">{label}</span>
      <span aria-hidden="true">{text}</span>
    </Button>
  );

  return (
    <div
      style={{
        border: `1px solid ${token.colorBorder}`,
        borderRadius: token.borderRadius,
        background: token.colorBgContainer,
      }}
    >
      <Space
        wrap
        size={2}
        role="toolbar"
        aria-label={t('editor.toolbar')}
        style={{ padding: 4, borderBottom: `1px solid ${token.colorBorderSecondary}`, width: '100%' }}
      >
        {tool(t('editor.bold'), <BoldOutlined />, () => run('bold'))}
        {tool(t('editor.italic'), <ItalicOutlined />, () => run('italic'))}
        {block(t('editor.heading'), 'H2', 'h2')}
        {block(t('editor.subheading'), 'H3', 'h3')}
        {block(t('editor.paragraph'), '¶', 'p')}
        {block(t('editor.quote'), '❝', 'blockquote')}
        {tool(t('editor.bullets'), <UnorderedListOutlined />, () => run('insertUnorderedList'))}
        {tool(t('editor.numbers'), <OrderedListOutlined />, () => run('insertOrderedList'))}
        {tool(t('editor.link'), <LinkOutlined />, () => {
          remember();
          setAsking('link');
        })}
        {tool(t('editor.image'), <PictureOutlined />, () => {
          remember();
          setAsking('image');
        })}
      </Space>
      {/* biome-ignore lint/a11y/useSemanticElements: rich text needs a contentEditable element; a textarea holds plain text only. */}
      <div
        id={id}
        ref={ref}
        role="textbox"
        aria-multiline="true"
        aria-labelledby={labelledBy}
        tabIndex={0}
        contentEditable
        suppressContentEditableWarning
        onInput={changed}
        onBlur={changed}
        className="cf-story"
        style={{
          minHeight: 200,
          padding: '8px 12px',
          outline: 'none',
          lineHeight: 1.7,
          overflowWrap: 'anywhere',
        }}
      />
      <Modal
        open={asking !== null}
        title={asking === 'image' ? t('editor.imageTitle') : t('editor.linkTitle')}
        okText={t('editor.insert')}
        cancelText={t('common:action.cancel')}
        onCancel={() => setAsking(null)}
        onOk={() => form.submit()}
        // A picture is inserted as soon as it is uploaded.
        okButtonProps={asking === 'image' ? { style: { display: 'none' } } : {}}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={insert} preserve={false}>
          {asking === 'link' && (
            <Form.Item
              name="url"
              label={t('editor.url')}
              rules={[
                { required: true, message: t('common:validation.required') },
                {
                  validator: async (_rule, v: string | undefined) => {
                    if (v && !isHttpsUrl(v.trim())) throw new Error(t('editor.httpsOnly'));
                  },
                },
              ]}
              normalize={(v: string) => v.trim()}
            >
              <Input inputMode="url" placeholder="https://" />
            </Form.Item>
          )}
          {asking === 'image' && (
            <>
              <Form.Item name="alt" label={t('editor.alt')}>
                <Input maxLength={200} />
              </Form.Item>
              <PictureButton
                projectId={projectId}
                label={t('editor.choosePicture')}
                onUploaded={(image) => insert({ url: image.url, alt: form.getFieldValue('alt') })}
              />
            </>
          )}
        </Form>
      </Modal>
    </div>
  );
}
