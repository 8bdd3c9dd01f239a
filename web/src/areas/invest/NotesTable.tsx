import { Button, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Amount, Rate } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { ContractLink } from '../contracts/ContractLink.tsx';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';
import type { NoteStatement } from './Investments.tsx';
import { cny, fromMinor, toMinor } from './lending.ts';
import { SellNoteModal } from './SellNoteModal.tsx';

const sum = (...values: string[]) => fromMinor(values.reduce((s, v) => s + toMinor(v), 0n));

export function NoteState({ note }: { note: NoteStatement }) {
  const { t } = useTranslation('invest');
  return (
    <Space size={4} wrap>
      <Tag>{t(`loanStatus.${note.loanStatus}`, { defaultValue: note.loanStatus })}</Tag>
      {note.bucket !== 'current' && <Tag color="red">{note.bucket}</Tag>}
      {note.overdue !== '0.00' && <Tag color="red">{t('overdueTag')}</Tag>}
      {note.advancedReceived !== '0.00' && <Tag color="orange">{t('advancedTag')}</Tag>}
      {note.origin !== 'disbursement' && (
        <Tag color="blue">{t(`origin.${note.origin}`, { defaultValue: note.origin })}</Tag>
      )}
    </Space>
  );
}

/** Each note: principal, received, to come, its state; sell it on the note market. */
export function NotesTable({ notes }: { notes: NoteStatement[] }) {
  const { t } = useTranslation('invest');
  const [selling, setSelling] = useState<NoteStatement | null>(null);
  return (
    <>
      {/* Cards on a phone: nine columns do not fit 390px without scrolling sideways. */}
      <ResponsiveTable<NoteStatement>
        size="small"
        rowKey="noteId"
        dataSource={notes}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('noNotes') }}
        label={t('notesTab', { count: notes.length })}
        actionKeys={['actions']}
        columns={[
          {
            title: t('listing'),
            key: 'listing',
            dataIndex: 'loanId',
            render: (id: string, n) => (
              <Link to={`/market/${id}`}>
                {n.grade} · {id.slice(-8)}
              </Link>
            ),
          },
          { title: t('annualRate'), dataIndex: 'annualRate', render: (r: string) => <Rate value={r} /> },
          {
            title: t('principal'),
            key: 'principal',
            render: (_, n) => (
              <Space orientation="vertical" size={0}>
                <Amount value={cny(n.outstandingPrincipal)} strong />
                <Typography.Text type="secondary">
                  {t('ofOriginal')} <Amount value={cny(n.originalPrincipal)} type="secondary" />
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('received'),
            key: 'received',
            render: (_, n) => (
              <Amount
                value={cny(sum(n.principalReceived, n.interestReceived, n.advancedReceived, n.saleProceeds))}
              />
            ),
          },
          {
            title: t('toCome'),
            key: 'toCome',
            render: (_, n) => <Amount value={cny(sum(n.principalToCome, n.interestToCome))} />,
          },
          {
            title: t('nextDue'),
            key: 'nextDue',
            render: (_, n) =>
              n.nextDue ? (
                <span>
                  {formatDate(n.nextDue.date)} ·{' '}
                  <Amount value={cny(sum(n.nextDue.principal, n.nextDue.interest))} />
                </span>
              ) : (
                '—'
              ),
          },
          {
            title: t('overdue'),
            dataIndex: 'overdue',
            render: (v: string) => <Amount value={cny(v)} type={v !== '0.00' ? 'danger' : undefined} />,
          },
          { title: t('status'), key: 'state', render: (_, n) => <NoteState note={n} /> },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, n) => (
              <Space size={4} wrap>
                <ContractLink subjectId={n.loanId} />
                {n.loanStatus === 'active' && n.outstandingPrincipal !== '0.00' ? (
                  <Button
                    size="small"
                    onClick={() => setSelling(n)}
                    aria-label={t('sellNoteOf', { id: n.loanId.slice(-8) })}
                  >
                    {t('sellNote')}
                  </Button>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      {selling && <SellNoteModal note={selling} onClose={() => setSelling(null)} />}
    </>
  );
}
