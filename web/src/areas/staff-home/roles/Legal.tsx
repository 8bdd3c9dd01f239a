import { count, RoleSection, useCount } from '../RoleSection.tsx';

/** Contracts waiting for legal review, and template drafts waiting for approval. */
export function LegalSection() {
  const reviews = useCount('contract-reviews', '/v1/contract-reviews', { status: 'pending' });
  const drafts = useCount('contract-drafts', '/v1/contract-templates', { status: 'draft' }, false);
  return (
    <RoleSection
      title="legal.title"
      watched={[reviews.query]}
      width="half"
      figures={[
        {
          testId: 'legal-reviews',
          loading: reviews.query.isPending,
          title: 'legal.reviews',
          value: count(reviews.count, reviews.full),
          link: { to: '/staff/contract-reviews', label: 'legal.reviewsPage' },
        },
        {
          loading: drafts.query.isPending,
          title: 'legal.drafts',
          value: count(drafts.count),
          link: { to: '/staff/contract-templates', label: 'legal.templatesPage' },
        },
      ]}
    />
  );
}
