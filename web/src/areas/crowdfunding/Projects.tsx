import { useQuery } from '@tanstack/react-query';
import { Button, Col, Empty, Form, Row, Select, Skeleton, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { isCustomer, useMe } from '../../session.tsx';
import { ProjectCard } from './ProjectCard.tsx';
import { categoryName, type PublicProject, useCategories } from './types.ts';

const SORTS = ['popular', 'ending_soon', 'newest'] as const;
type Sort = (typeof SORTS)[number];

/** Live projects, for visitors and customers: by category, popular, ending soon or newest. */
export function Projects() {
  const { t } = useTranslation('crowdfunding');
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const category = params.get('category') ?? undefined;
  const sort: Sort = (SORTS as readonly string[]).includes(params.get('sort') ?? '')
    ? (params.get('sort') as Sort)
    : 'popular';
  const categories = useCategories();
  const projects = useQuery({
    queryKey: ['crowdfunding', 'projects', category, sort],
    queryFn: () =>
      api.get<{ items: PublicProject[] }>('/v1/crowdfunding/projects', { category, sort, limit: 60 }),
  });
  const choose = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return (
    <>
      <PageTitle
        extra={
          isCustomer(me) ? (
            <Space wrap>
              <Link to="/crowdfunding/backings">{t('nav.backings')}</Link>
              <Link to="/crowdfunding/mine/new">
                <Button type="primary">{t('list.start')}</Button>
              </Link>
            </Space>
          ) : null
        }
      >
        {t('list.title')}
      </PageTitle>
      <Typography.Paragraph type="secondary">{t('list.intro')}</Typography.Paragraph>
      <Form layout="vertical">
        <Row gutter={12}>
          <Col xs={12} md={6}>
            <Form.Item label={t('list.category')} htmlFor="cf-category">
              <Select
                id="cf-category"
                allowClear
                placeholder={t('list.allCategories')}
                value={category}
                onChange={(value: string | undefined) => choose('category', value)}
                options={(categories.data ?? []).map((c) => ({ value: c.code, label: categoryName(c) }))}
              />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item label={t('list.sort')} htmlFor="cf-sort">
              <Select
                id="cf-sort"
                value={sort}
                onChange={(value: Sort) => choose('sort', value === 'popular' ? undefined : value)}
                options={SORTS.map((s) => ({ value: s, label: t(`sort.${s}`) }))}
              />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {projects.isPending ? (
        <Skeleton active />
      ) : projects.isError ? (
        <ErrorAlert error={projects.error} onRetry={() => void projects.refetch()} />
      ) : projects.data.items.length === 0 ? (
        <Empty description={category ? t('list.noneInCategory') : t('list.none')} />
      ) : (
        <Row gutter={[16, 16]} role="list" aria-label={t('list.title')}>
          {projects.data.items.map((project) => (
            <Col key={project.id} xs={24} sm={12} xl={8} role="listitem">
              <ProjectCard project={project} />
            </Col>
          ))}
        </Row>
      )}
    </>
  );
}
