import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Flex, Form, Input, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, QueryView } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { formatDate } from '../../i18n/index.ts';

export interface CalendarView {
  businessDate: string;
  cutOff: string;
  timeZone: string;
  tradeDate: string;
  beforeCutOff: boolean;
  isTradingDay: boolean;
  nextTradingDay: string;
  holidays: { date: string; name: string }[];
}

export const useCalendar = () =>
  useQuery({
    queryKey: ['staff-wealth', 'calendar'],
    queryFn: () => api.get<CalendarView>('/v1/wealth/calendar'),
  });

/** The trading calendar: weekends and the holidays operations enter (future weekdays only). */
export function Calendar({ manage }: { manage: boolean }) {
  const { t } = useTranslation('staffWealth');
  const client = useQueryClient();
  const calendar = useCalendar();
  const [form] = Form.useForm<{ date: Dayjs; name: string }>();
  const { key, renew, renewAfter } = useFormKey();
  const refresh = () => void client.invalidateQueries({ queryKey: ['staff-wealth', 'calendar'] });
  const add = useMutation({
    mutationFn: (v: { date: Dayjs; name: string }) =>
      api.post(
        '/v1/wealth/ops/calendar/holidays',
        { date: v.date.format('YYYY-MM-DD'), name: v.name.trim() },
        key,
      ),
    onSuccess: () => {
      renew();
      form.resetFields();
      refresh();
    },
    onError: (error) => {
      renewAfter(error);
      form.setFields(fieldErrors(error));
    },
  });
  const remove = useMutation({
    mutationFn: (date: string) => api.delete(`/v1/wealth/ops/calendar/holidays/${date}`),
    onSuccess: refresh,
  });
  return (
    <QueryView query={calendar}>
      {(c) => (
        <Flex vertical gap={16}>
          <Typography.Paragraph>
            {t('calendar.cutOff', {
              time: c.cutOff,
              zone: c.timeZone,
              trade: formatDate(c.tradeDate),
              next: formatDate(c.nextTradingDay),
            })}
          </Typography.Paragraph>
          <Card title={t('calendar.holidays')}>
            {remove.isError && <ErrorAlert error={remove.error} />}
            <Table
              rowKey="date"
              size="small"
              pagination={false}
              aria-label={t('calendar.holidays')}
              dataSource={c.holidays}
              columns={[
                { key: 'd', title: t('calendar.date'), render: (_, h) => formatDate(h.date) },
                { key: 'n', title: t('calendar.name'), dataIndex: 'name' },
                ...(manage
                  ? [
                      {
                        key: 'x',
                        title: '',
                        render: (_: unknown, h: { date: string }) => (
                          <Button
                            size="small"
                            danger
                            aria-label={t('calendar.removeLabel', { date: h.date })}
                            loading={remove.isPending && remove.variables === h.date}
                            onClick={() => remove.mutate(h.date)}
                          >
                            {t('calendar.remove')}
                          </Button>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          </Card>
          {manage && (
            <Card title={t('calendar.add')}>
              {add.isSuccess && (
                <Alert
                  type="success"
                  showIcon
                  role="status"
                  title={t('calendar.added')}
                  style={{ marginBottom: 12 }}
                />
              )}
              <Form name="wealth-holiday" form={form} layout="inline" onFinish={(v) => add.mutate(v)}>
                <Form.Item
                  name="date"
                  label={t('calendar.date')}
                  rules={[{ required: true, message: t('common:validation.required') }]}
                >
                  <DatePicker />
                </Form.Item>
                <Form.Item
                  name="name"
                  label={t('calendar.name')}
                  rules={[{ required: true, message: t('common:validation.required') }]}
                >
                  <Input maxLength={100} />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={add.isPending}>
                  {t('calendar.add')}
                </Button>
              </Form>
              {add.isError && (
                <div style={{ marginTop: 12 }}>
                  <ErrorAlert error={add.error} />
                </div>
              )}
            </Card>
          )}
        </Flex>
      )}
    </QueryView>
  );
}
