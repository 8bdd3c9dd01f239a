import { DeleteOutlined, StarOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Flex, Tooltip, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ui.tsx';
import { IMAGE_TYPES, type UploadedImage, uploadImage } from './images.ts';

/**
 * A button that uploads a picture file to the project's draft and hands back what netfin stored. A
 * project not saved yet has no draft to hold pictures: the button says so instead.
 */
export function PictureButton({
  projectId,
  onUploaded,
  label,
}: {
  projectId: string | undefined;
  onUploaded: (image: UploadedImage) => void;
  label: string;
}) {
  const { t } = useTranslation('crowdfunding');
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const chosen = async (file: File | undefined) => {
    if (!file || !projectId) return;
    setBusy(true);
    setError(null);
    try {
      onUploaded(await uploadImage(projectId, file));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };
  return (
    <Flex vertical gap={8} align="flex-start">
      <input
        ref={input}
        type="file"
        accept={IMAGE_TYPES.join(',')}
        hidden
        aria-label={label}
        onChange={(event) => void chosen(event.target.files?.[0])}
      />
      <Button
        icon={<UploadOutlined />}
        loading={busy}
        disabled={!projectId}
        onMouseDown={(event) => event.preventDefault()}
        onClick={() => input.current?.click()}
      >
        {label}
      </Button>
      {!projectId && <Typography.Text type="secondary">{t('editor.saveFirst')}</Typography.Text>}
      <ErrorAlert error={error} />
    </Flex>
  );
}

/** The project's cover and gallery: pictures uploaded to it, the first one the cover. */
export function PictureList({
  projectId,
  value,
  onChange,
}: {
  projectId: string | undefined;
  value?: string[];
  onChange?: (urls: string[]) => void;
}) {
  const { t } = useTranslation('crowdfunding');
  const urls = value ?? [];
  return (
    <Flex vertical gap={12}>
      {urls.length > 0 && (
        <Flex wrap gap={12} role="list" aria-label={t('editor.images')}>
          {urls.map((url, index) => (
            <Flex key={url} vertical gap={4} align="center" role="listitem">
              <img
                src={url}
                alt={t('editor.imageN', { n: index + 1 })}
                style={{ width: 128, height: 96, objectFit: 'cover', borderRadius: 6 }}
              />
              <Flex gap={4} align="center">
                {index === 0 ? (
                  <Typography.Text type="secondary">{t('editor.cover')}</Typography.Text>
                ) : (
                  <Tooltip title={t('editor.makeCover')}>
                    <Button
                      size="small"
                      icon={<StarOutlined />}
                      aria-label={t('editor.makeCoverN', { n: index + 1 })}
                      onClick={() => onChange?.([url, ...urls.filter((u) => u !== url)])}
                    />
                  </Tooltip>
                )}
                <Button
                  size="small"
                  icon={<DeleteOutlined />}
                  aria-label={t('editor.removeImage', { n: index + 1 })}
                  onClick={() => onChange?.(urls.filter((u) => u !== url))}
                />
              </Flex>
            </Flex>
          ))}
        </Flex>
      )}
      {urls.length < 20 && (
        <PictureButton
          projectId={projectId}
          label={t('editor.addImage')}
          onUploaded={(image) => {
            if (!urls.includes(image.url)) onChange?.([...urls, image.url]);
          }}
        />
      )}
    </Flex>
  );
}
