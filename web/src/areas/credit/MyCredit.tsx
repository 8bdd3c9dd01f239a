import { Button, Card, Result, Skeleton, Table, Tabs } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ApplyLine, useReasonText } from './ApplyLine.tsx';
import { DrawCash } from './DrawCash.tsx';
import { Overview, StatusTag } from './Overview.tsx';
import { Plans } from './Plans.tsx';
import { Statements } from './Statements.tsx';
import { currentLine, type Line, useHistory, useLines } from './types.ts';

const TABS = ['overview', 'draw', 'statements', 'plans'] as const;

/** Lines that ended (declined or closed), with why. */
function PastLines({ lines }: { lines: Line[] }) {
  const { t } = useTranslation('credit');
  const reasonText = useReasonText();
  if (lines.length === 0) return null;
  return (
    <Card title={t('pastLines')} style={{ marginTop: 16 }}>
      <Table<Line>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={lines}
        aria-label={t('pastLines')}
        columns={[
          { key: 'date', title: t('history.date'), render: (_, l) => formatDate(l.createdAt) },
          { key: 'status', title: t('statement.status'), render: (_, l) => <StatusTag status={l.status} /> },
          {
            key: 'reasons',
            title: t('reasons'),
            render: (_, l) => l.reasons.map(reasonText).join('；') || '—',
          },
        ]}
      />
    </Card>
  );
}

function LineTabs({ line }: { line: Line }) {
  const { t } = useTranslation('credit');
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab = TABS.find((x) => x === asked) ?? 'overview';
  const history = useHistory(line.id);
  return (
    <Tabs
      activeKey={tab}
      onChange={(key) => setParams(key === 'overview' ? {} : { tab: key }, { replace: true })}
      destroyOnHidden
      items={[
        {
          key: 'overview',
          label: t('tab.overview'),
          children: <Overview line={line} history={history} />,
        },
        { key: 'draw', label: t('tab.draw'), children: <DrawCash line={line} /> },
        { key: 'statements', label: t('tab.statements'), children: <Statements line={line} /> },
        { key: 'plans', label: t('tab.plans'), children: <Plans lineId={line.id} /> },
      ]}
    />
  );
}

/** My credit (我的额度): apply for a line, then the line, draws, statements and plans. */
export function MyCredit() {
  const { t } = useTranslation('credit');
  const lines = useLines();
  const [applying, setApplying] = useState(false);
  const line = currentLine(lines.data);
  const past = (lines.data ?? []).filter(
    (l) => l !== line && !['active', 'frozen', 'referred'].includes(l.status),
  );
  let body: ReactNode;
  if (applying) body = <ApplyLine onDecided={() => setApplying(false)} />;
  else if (lines.isPending) body = <Skeleton active />;
  else if (lines.isError) body = <ErrorAlert error={lines.error} onRetry={() => void lines.refetch()} />;
  else if (line?.status === 'referred')
    body = <Result status="info" title={t('outcome.refer')} subTitle={t('outcomeHint.refer')} />;
  else if (line) body = <LineTabs line={line} />;
  else
    body = (
      <Card>
        <Result
          title={t('noLine')}
          subTitle={t('noLineHint')}
          extra={
            <Button type="primary" onClick={() => setApplying(true)}>
              {t('apply.start')}
            </Button>
          }
        />
      </Card>
    );
  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      {body}
      {!line && !applying && <PastLines lines={past} />}
    </>
  );
}
