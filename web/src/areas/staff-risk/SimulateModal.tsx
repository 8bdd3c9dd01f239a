import { useMutation } from '@tanstack/react-query';
import { Button, Descriptions, Flex, InputNumber, Modal, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newKey } from '../../api.ts';
import { ErrorAlert } from '../../components/ui.tsx';
import type { GraphVersion } from './Graphs.tsx';

interface Side {
  approvalRate: number;
  referRate: number;
  declineRate: number;
  expectedBadRate: number | null;
}
interface Simulation {
  applications: number;
  changed: number;
  baseline: Side;
  candidate: Side;
  differences: {
    reference: string;
    before: { outcome: string; grade: string | null };
    after: { outcome: string; grade: string | null };
  }[];
}

const percent = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;

/** What-if: run a version over past applications, compared with what was decided. */
export function SimulateModal({ graph, onClose }: { graph: GraphVersion | null; onClose: () => void }) {
  const { t } = useTranslation('staffRisk');
  const [history, setHistory] = useState<number | null>(1000);
  const run = useMutation({
    mutationFn: () =>
      api.post<Simulation>(`/v1/risk/graphs/${graph!.id}/simulate`, { history: history ?? 1000 }, newKey()),
  });
  const rows = (['approvalRate', 'referRate', 'declineRate', 'expectedBadRate'] as const).map((k) => ({
    key: k,
    label: t(k),
    baseline: percent(run.data?.baseline[k]),
    candidate: percent(run.data?.candidate[k]),
  }));
  return (
    <Modal
      open={!!graph}
      title={graph ? t('simulateTitle', { name: graph.name, version: graph.version }) : ''}
      onCancel={onClose}
      footer={null}
      width={720}
      destroyOnHidden
      afterOpenChange={(open) => {
        if (!open) run.reset();
      }}
    >
      <Flex gap={12} wrap align="end" style={{ marginBottom: 16 }}>
        <div>
          <label htmlFor="simulate-history">{t('history')}</label>
          <InputNumber
            id="simulate-history"
            min={1}
            max={100000}
            value={history}
            onChange={setHistory}
            style={{ display: 'block', width: 160 }}
          />
        </div>
        <Button type="primary" loading={run.isPending} onClick={() => run.mutate()}>
          {t('runSimulation')}
        </Button>
      </Flex>
      {run.isError && <ErrorAlert error={run.error} />}
      {run.data && (
        <>
          <Descriptions
            size="small"
            column={2}
            items={[
              { key: 'apps', label: t('applications'), children: run.data.applications },
              { key: 'changed', label: t('changed'), children: run.data.changed },
            ]}
          />
          <Table
            size="small"
            pagination={false}
            dataSource={rows}
            columns={[
              { title: '', dataIndex: 'label' },
              { title: t('baseline'), dataIndex: 'baseline', align: 'right' },
              { title: t('candidate'), dataIndex: 'candidate', align: 'right' },
            ]}
          />
          <h4 style={{ marginTop: 16 }}>{t('differences')}</h4>
          <Table
            size="small"
            rowKey="reference"
            scroll={{ x: true }}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={run.data.differences}
            columns={[
              { title: t('decisionId'), dataIndex: 'reference', render: (v: string) => v.slice(-8) },
              {
                title: t('baseline'),
                key: 'before',
                render: (_v, d) =>
                  `${t(`outcomes.${d.before.outcome}`, { defaultValue: d.before.outcome })} · ${d.before.grade ?? '—'}`,
              },
              {
                title: t('candidate'),
                key: 'after',
                render: (_v, d) =>
                  `${t(`outcomes.${d.after.outcome}`, { defaultValue: d.after.outcome })} · ${d.after.grade ?? '—'}`,
              },
            ]}
          />
        </>
      )}
    </Modal>
  );
}
