import { Card, Flex, Progress, Tag, Typography, theme } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Amount } from '../../components/ui.tsx';
import { barPercent, categoryName, type PublicProject } from './types.ts';

/** A project's picture, or (none given, or it does not load) a band in the theme's colour with its category. */
export function Cover({ project, height = 160 }: { project: PublicProject; height?: number }) {
  const { token } = theme.useToken();
  const [failed, setFailed] = useState(false);
  const src = project.images[0];
  if (src && !failed)
    return (
      <img
        src={src}
        alt={project.title}
        loading="lazy"
        referrerPolicy="no-referrer"
        onError={() => setFailed(true)}
        style={{ width: '100%', height, objectFit: 'cover', display: 'block' }}
      />
    );
  return (
    <div
      aria-hidden="true"
      style={{
        height,
        display: 'grid',
        placeItems: 'center',
        background: `linear-gradient(135deg, ${token.colorPrimary} 0%, #0b3f8a 100%)`,
        color: '#fff',
        fontSize: 22,
        fontWeight: 600,
      }}
    >
      {categoryName(project.category)}
    </div>
  );
}

/** What is left of a live project's time, or how it ended. */
export function TimeLeft({ project }: { project: PublicProject }) {
  const { t } = useTranslation('crowdfunding');
  if (project.phase === 'succeeded') return <>{t('phase.succeeded')}</>;
  if (project.phase === 'failed') return <>{t('phase.failed')}</>;
  return <>{project.daysLeft <= 0 ? t('card.endsToday') : t('card.daysLeft', { count: project.daysLeft })}</>;
}

/** A project in the list: its picture, title, category, progress (raised of target), backers, days left. */
export function ProjectCard({ project }: { project: PublicProject }) {
  const { t } = useTranslation('crowdfunding');
  return (
    <Card
      size="small"
      cover={<Cover project={project} />}
      style={{ height: '100%', overflow: 'hidden' }}
      data-testid="cf-project-card"
    >
      <Flex vertical gap={6}>
        <Tag style={{ alignSelf: 'flex-start' }}>{categoryName(project.category)}</Tag>
        <Typography.Title level={3} style={{ fontSize: 17, margin: 0 }}>
          <Link to={`/crowdfunding/projects/${project.id}`}>{project.title}</Link>
        </Typography.Title>
        <Progress
          percent={barPercent(project.progress)}
          size="small"
          aria-label={t('card.progressLabel', { percent: project.progress })}
          format={() => `${project.progress}%`}
        />
        <Typography.Text>
          <Amount value={project.pledged} strong />{' '}
          <Typography.Text type="secondary">
            {t('card.ofTarget')} <Amount value={project.target} />
          </Typography.Text>
        </Typography.Text>
        <Flex justify="space-between" wrap gap={8}>
          <Typography.Text type="secondary">{t('card.backers', { count: project.backers })}</Typography.Text>
          <Typography.Text type="secondary">
            <TimeLeft project={project} />
          </Typography.Text>
        </Flex>
      </Flex>
    </Card>
  );
}
