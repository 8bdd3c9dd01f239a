import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, newKey } from '../../api.ts';
import { ErrorAlert } from '../../components/ui.tsx';
import type { CaseSummary } from './types.ts';
import { useCollectors } from './useCollectors.ts';

/** Supervisors: give the case to a collector. */
export function AssignCase({ current }: { current: CaseSummary }) {
  const { t } = useTranslation('staffCollections');
  const { collectors, nameOf } = useCollectors();
  const [collectorId, setCollectorId] = useState<string | undefined>(current.assignedTo ?? undefined);
  const [key, setKey] = useState(newKey);
  const client = useQueryClient();
  const { message } = App.useApp();
  const assign = useMutation({
    // A refused request (4xx) is stored under its key: the next attempt needs a key of its own.
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: () => api.post(`/v1/collections/cases/${current.id}/assign`, { collectorId }, key),
    onSuccess: () => {
      setKey(newKey());
      void message.success(t('assigned'));
      void client.invalidateQueries({ queryKey: ['collections'] });
    },
  });
  return (
    <Card title={t('assignTitle')}>
      <Flex gap={12} wrap>
        <Select
          aria-label={t('collector')}
          style={{ minWidth: 220, flex: 1 }}
          value={collectorId}
          onChange={setCollectorId}
          loading={collectors.isPending}
          options={(collectors.data?.items ?? [])
            .filter((c) => c.active)
            .map((c) => ({
              value: c.userId,
              label: `${nameOf(c.userId)} · ${t(`tiers.${c.tier}`, { defaultValue: c.tier })} · ${c.openCases}`,
            }))}
        />
        <Button
          type="primary"
          disabled={!collectorId || collectorId === current.assignedTo}
          loading={assign.isPending}
          onClick={() => assign.mutate()}
        >
          {t('assign')}
        </Button>
      </Flex>
      {assign.isError && (
        <div style={{ marginTop: 12 }}>
          <ErrorAlert error={assign.error} />
        </div>
      )}
    </Card>
  );
}
