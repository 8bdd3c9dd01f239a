import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Switch,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, newKey } from '../../api.ts';
import { AmountInput, ErrorAlert, PageTitle, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { useMe } from '../../session.tsx';
import { PictureList } from './Pictures.tsx';
import { StoryEditor } from './StoryEditor.tsx';
import { categoryName, type Project, useCategories } from './types.ts';

interface TierValues {
  title: string;
  description: string;
  price: string;
  quantity?: number | null;
  deliveryMonth: Dayjs;
  shipping: boolean;
}
interface Values {
  title: string;
  category: string;
  target: string;
  durationDays: number;
  images: string[];
  story: string;
  tiers: TierValues[];
  payoutKind: 'all' | 'milestones';
  milestones: { title: string; percent: string }[];
}

/** Millionths of a percent (a share to eight places) of "33.5" → 33_500_000n; exact, never a float. */
const PERCENT = /^(100|[1-9]?\d)(\.\d{1,6})?$/;
function percentUnits(percent: string): bigint {
  const [whole = '0', fraction = ''] = percent.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}
/** "33.5" (percent) → "0.335" (the API's share). */
export function percentToShare(percent: string): string {
  const units = percentUnits(percent);
  const whole = units / 100_000_000n;
  const fraction = String(units % 100_000_000n)
    .padStart(8, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}
/** "0.33500000" → "33.5". */
function shareToPercent(share: string): string {
  const [whole = '0', fraction = ''] = share.split('.');
  const units = BigInt(whole) * 100_000_000n + BigInt(fraction.padEnd(8, '0').slice(0, 8));
  const percent = units / 1_000_000n;
  const rest = String(units % 1_000_000n)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return rest ? `${percent}.${rest}` : `${percent}`;
}

function initialValues(project: Project | undefined): Partial<Values> {
  if (!project)
    return {
      durationDays: 30,
      images: [],
      story: '',
      tiers: [],
      payoutKind: 'all',
      milestones: [
        { title: '', percent: '50' },
        { title: '', percent: '50' },
      ],
    };
  return {
    title: project.title,
    category: project.category.code,
    target: project.target.amount,
    durationDays: project.durationDays,
    images: project.images,
    story: project.story,
    tiers: project.tiers.map((tier) => ({
      title: tier.title,
      description: tier.description,
      price: tier.price.amount,
      quantity: tier.quantity,
      deliveryMonth: dayjs(`${tier.deliveryMonth}-01`),
      shipping: tier.shipping,
    })),
    payoutKind: project.payoutKind,
    milestones:
      project.payoutKind === 'milestones'
        ? project.milestones.map((m) => ({ title: m.title, percent: shareToPercent(m.share) }))
        : [
            { title: '', percent: '50' },
            { title: '', percent: '50' },
          ],
  };
}

function body(values: Values) {
  return {
    title: values.title.trim(),
    story: values.story ?? '',
    images: values.images ?? [],
    category: values.category,
    target: { amount: values.target, currency: 'CNY' },
    durationDays: values.durationDays,
    tiers: (values.tiers ?? []).map((tier) => ({
      title: tier.title.trim(),
      description: (tier.description ?? '').trim(),
      price: { amount: tier.price, currency: 'CNY' },
      quantity: tier.quantity ?? null,
      deliveryMonth: tier.deliveryMonth.format('YYYY-MM'),
      shipping: !!tier.shipping,
    })),
    payout:
      values.payoutKind === 'all'
        ? { kind: 'all' as const }
        : {
            kind: 'milestones' as const,
            milestones: values.milestones.map((m) => ({
              title: m.title.trim(),
              share: percentToShare(m.percent),
            })),
          },
  };
}

/**
 * A project's draft: title, category, target, duration, pictures, story, reward tiers and payout
 * plan. Creates a draft, or replaces one (or one sent back for changes).
 */
export function ProjectEditor({ project, onSaved }: { project?: Project; onSaved?: (p: Project) => void }) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const navigate = useNavigate();
  const categories = useCategories();
  const amountRules = useAmountRules();
  const [form] = Form.useForm<Values>();
  const [key, setKey] = useState(newKey);
  const payoutKind = Form.useWatch('payoutKind', form);
  const required = { required: true, whitespace: true, message: t('common:validation.required') };
  const save = useMutation({
    mutationFn: (values: Values) =>
      project
        ? api.put<Project>(`/v1/crowdfunding/projects/${project.id}`, body(values), key)
        : api.post<Project>('/v1/crowdfunding/projects', body(values), key),
    onSuccess: (saved) => {
      setKey(newKey());
      void client.invalidateQueries({ queryKey: ['crowdfunding'] });
      if (onSaved) onSaved(saved);
      else navigate(`/crowdfunding/mine/${saved.id}`);
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  const sharesRule = {
    validator: async () => {
      if (form.getFieldValue('payoutKind') !== 'milestones') return;
      const list = (form.getFieldValue('milestones') ?? []) as { percent?: string }[];
      if (!list.every((m) => m.percent && PERCENT.test(m.percent))) return;
      const total = list.reduce((sum, m) => sum + percentUnits(m.percent!), 0n);
      if (total !== 100_000_000n) throw new Error(t('editor.sharesSum'));
    },
  };

  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={initialValues(project)}
      onFinish={(values) => save.mutate(values)}
      scrollToFirstError
      name="cf-project"
    >
      <Card title={<h2 style={{ fontSize: 18, margin: 0 }}>{t('editor.basics')}</h2>}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="title" label={t('editor.title')} rules={[required]}>
              <Input maxLength={120} showCount />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="category" label={t('editor.category')} rules={[required]}>
              <Select
                options={(categories.data ?? []).map((c) => ({ value: c.code, label: categoryName(c) }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="target"
              label={t('editor.target')}
              rules={amountRules}
              extra={t('editor.targetHint')}
            >
              <AmountInput />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="durationDays"
              label={t('editor.duration')}
              rules={[{ required: true, message: t('common:validation.required') }]}
              extra={t('editor.durationHint')}
            >
              <InputNumber min={1} max={365} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Text strong style={{ display: 'block', marginBottom: 8 }}>
          {t('editor.images')}
        </Typography.Text>
        <Typography.Paragraph type="secondary">{t('editor.imagesHint')}</Typography.Paragraph>
        <Form.Item name="images" noStyle>
          <PictureList projectId={project?.id} />
        </Form.Item>
      </Card>

      <Card
        title={
          <h2 id="cf-story-label" style={{ fontSize: 18, margin: 0 }}>
            {t('editor.story')}
          </h2>
        }
        style={{ marginTop: 16 }}
      >
        <Typography.Paragraph type="secondary">{t('editor.storyHint')}</Typography.Paragraph>
        <Form.Item name="story" rules={[{ required: true, message: t('editor.storyRequired') }]}>
          <StoryEditor aria-labelledby="cf-story-label" projectId={project?.id} />
        </Form.Item>
      </Card>

      <Card
        title={<h2 style={{ fontSize: 18, margin: 0 }}>{t('editor.tiers')}</h2>}
        style={{ marginTop: 16 }}
      >
        <Typography.Paragraph type="secondary">{t('editor.tiersHint')}</Typography.Paragraph>
        <Form.List name="tiers">
          {(fields, { add, remove }) => (
            <Flex vertical gap={12}>
              {fields.map((field, index) => (
                <Card
                  key={field.key}
                  size="small"
                  title={t('editor.tierN', { n: index + 1 })}
                  extra={
                    <Button size="small" danger onClick={() => remove(field.name)}>
                      {t('editor.removeTier')}
                    </Button>
                  }
                >
                  <Row gutter={12}>
                    <Col xs={24} md={12}>
                      <Form.Item
                        name={[field.name, 'title']}
                        label={t('editor.tierTitle')}
                        rules={[required]}
                      >
                        <Input maxLength={120} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={12}>
                      <Form.Item
                        name={[field.name, 'price']}
                        label={t('editor.tierPrice')}
                        rules={amountRules}
                      >
                        <AmountInput />
                      </Form.Item>
                    </Col>
                    <Col xs={24}>
                      <Form.Item name={[field.name, 'description']} label={t('editor.tierDescription')}>
                        <Input.TextArea rows={2} maxLength={2000} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={8}>
                      <Form.Item
                        name={[field.name, 'quantity']}
                        label={t('editor.tierQuantity')}
                        extra={t('editor.tierQuantityHint')}
                      >
                        <InputNumber min={1} max={1_000_000} precision={0} style={{ width: '100%' }} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={8}>
                      <Form.Item
                        name={[field.name, 'deliveryMonth']}
                        label={t('editor.tierDelivery')}
                        rules={[{ required: true, message: t('common:validation.required') }]}
                      >
                        <DatePicker picker="month" format="YYYY-MM" style={{ width: '100%' }} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={8}>
                      <Form.Item
                        name={[field.name, 'shipping']}
                        label={t('editor.tierShipping')}
                        valuePropName="checked"
                      >
                        <Switch />
                      </Form.Item>
                    </Col>
                  </Row>
                </Card>
              ))}
              {fields.length < 20 && (
                <Button
                  icon={<PlusOutlined />}
                  onClick={() =>
                    add({
                      title: '',
                      description: '',
                      price: '',
                      shipping: false,
                      deliveryMonth: dayjs().add(3, 'month'),
                    })
                  }
                  style={{ alignSelf: 'flex-start' }}
                >
                  {t('editor.addTier')}
                </Button>
              )}
            </Flex>
          )}
        </Form.List>
      </Card>

      <Card
        title={<h2 style={{ fontSize: 18, margin: 0 }}>{t('editor.payout')}</h2>}
        style={{ marginTop: 16 }}
      >
        <Form.Item name="payoutKind" label={t('editor.payoutKind')}>
          <Radio.Group
            options={[
              { value: 'all', label: t('payout.all') },
              { value: 'milestones', label: t('payout.milestones') },
            ]}
          />
        </Form.Item>
        <Typography.Paragraph type="secondary">
          {payoutKind === 'milestones' ? t('editor.milestonesHint') : t('editor.allHint')}
        </Typography.Paragraph>
        {payoutKind === 'milestones' && (
          <Form.List name="milestones" rules={[sharesRule]}>
            {(fields, { add, remove }, { errors }) => (
              <>
                {fields.map((field, index) => (
                  <Flex key={field.key} gap={8} align="flex-start" wrap>
                    <Form.Item
                      name={[field.name, 'title']}
                      label={t('editor.milestoneN', { n: index + 1 })}
                      rules={[required]}
                      style={{ flex: '2 1 220px' }}
                    >
                      <Input maxLength={120} />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'percent']}
                      label={t('editor.share')}
                      rules={[
                        { required: true, message: t('common:validation.required') },
                        { pattern: PERCENT, message: t('editor.shareMalformed') },
                      ]}
                      style={{ flex: '1 1 120px' }}
                    >
                      <Input suffix="%" inputMode="decimal" />
                    </Form.Item>
                    {fields.length > 1 && (
                      <Button
                        icon={<DeleteOutlined />}
                        aria-label={t('editor.removeMilestone', { n: index + 1 })}
                        onClick={() => remove(field.name)}
                        style={{ marginTop: 30 }}
                      />
                    )}
                  </Flex>
                ))}
                <Form.ErrorList errors={errors} />
                {fields.length < 10 && (
                  <Button icon={<PlusOutlined />} onClick={() => add({ title: '', percent: '' })}>
                    {t('editor.addMilestone')}
                  </Button>
                )}
              </>
            )}
          </Form.List>
        )}
      </Card>

      {save.isError && (
        <div style={{ marginTop: 16 }}>
          <ErrorAlert error={save.error} />
        </div>
      )}
      <Flex gap={8} wrap style={{ marginTop: 16 }}>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {project ? t('editor.saveChanges') : t('editor.saveDraft')}
        </Button>
      </Flex>
    </Form>
  );
}

/** A new project's page: the editor, after the identity check a creator needs. */
export function NewProject() {
  const { t } = useTranslation('crowdfunding');
  const me = useMe().data;
  return (
    <>
      <PageTitle extra={<Link to="/crowdfunding/mine">{t('nav.projects')}</Link>}>
        {t('editor.newTitle')}
      </PageTitle>
      <Typography.Paragraph type="secondary">{t('editor.intro')}</Typography.Paragraph>
      {me && me.kycLevel < 1 ? (
        <Alert
          type="warning"
          showIcon
          title={t('editor.verifyFirst')}
          action={<Link to="/account?tab=identity">{t('back.verify')}</Link>}
        />
      ) : (
        <ProjectEditor />
      )}
    </>
  );
}
