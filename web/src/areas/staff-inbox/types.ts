import { useTranslation } from 'react-i18next';

export const PRIORITIES = ['A', 'B', 'C'] as const;

/** GET /v1/crm/inbox/settings. */
export interface InboxSettings {
  categories: string[];
  firstResponseMinutes: Record<(typeof PRIORITIES)[number], number>;
  resolutionMinutes: Record<(typeof PRIORITIES)[number], number>;
  warningShare: number;
}

/** A canned answer, in both languages. */
export interface Canned {
  id: string;
  title: string;
  bodyEn: string;
  bodyZh: string;
  category: string | null;
}

export interface TimerFigures {
  done: number;
  met: number;
  /** Four decimals, "0.7500"; null with none done. */
  metShare: string | null;
  /** One decimal; null with none done. */
  averageMinutes: string | null;
}

export interface GroupFigures {
  volume: number;
  firstResponse: TimerFigures;
  resolution: TimerFigures;
  satisfaction: { ratings: number; average: string | null };
}

/** GET /v1/crm/inbox/figures. */
export interface InboxFigures {
  from: string;
  to: string;
  total: GroupFigures;
  byCategory: (GroupFigures & { category: string })[];
  byAgent: (GroupFigures & { agentId: string | null; agentName: string | null })[];
}

/** A category's name: the shipped ones translated, one of the operator's own as its code. */
export function useCategoryLabel(): (code: string) => string {
  const { t, i18n } = useTranslation('staffInbox');
  return (code) =>
    i18n.exists(`categoryNames.${code}`, { ns: 'staffInbox' }) ? t(`categoryNames.${code}`) : code;
}
