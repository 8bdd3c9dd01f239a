import { useQuery } from '@tanstack/react-query';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { currentLanguage } from '../../i18n/index.ts';
import { type Label, type PipelineSettings, stageColor } from './types.ts';

/** The pipeline's lists (reasons, products, content), read once per page. */
export function useSettings() {
  return useQuery({
    queryKey: ['crm', 'pipeline', 'settings'],
    queryFn: () => api.get<PipelineSettings>('/v1/crm/pipeline/settings'),
    staleTime: 60_000,
  });
}

export const labelOf = (label: Label | undefined, fallback: string) =>
  label ? (currentLanguage() === 'zh' ? label.zh : label.en) : fallback;

export function StageTag({ stage }: { stage: string }) {
  const { t } = useTranslation('staffPipeline');
  return <Tag color={stageColor[stage]}>{t(`stages.${stage}`, { defaultValue: stage })}</Tag>;
}
