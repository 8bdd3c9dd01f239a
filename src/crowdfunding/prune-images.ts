import { sql } from 'kysely';
import type { BatchStep } from '../batch/index.ts';
import type { Executor } from '../db/index.ts';
import type { CrowdfundingContext } from './context.ts';
import { IMAGE_PATH_PREFIX } from './images.ts';
import { projectRow } from './model.ts';

/**
 * Day-close step 565, crowdfunding.images: deletes the pictures uploaded to a project that nothing
 * shows and that are older than `unusedImageHours` (24 by default). A picture is in use while its
 * URL is in the project's cover and gallery (`images`) or its story, or its id in the text of one of
 * the project's updates. The age leaves a creator time to place a picture just uploaded (the editor
 * uploads first, the draft is saved after). One chunk per project, which locks the project's row as
 * an edit and an upload do: a draft saved meanwhile either comes first (its pictures are in use) or
 * after (it is refused with image_not_found for a picture just deleted), never half of each.
 */
export function pruneImagesStep(context: CrowdfundingContext): BatchStep {
  return {
    name: 'crowdfunding.images',
    owner: 'crowdfunding',
    position: 565,
    description:
      "Crowdfunding: delete pictures older than a day that no project's cover, story or update shows",
    async plan(db) {
      const rows = await sql<{ project_id: string }>`select distinct i.project_id from crowdfunding_images i
        where ${unused(cutoff(context))} order by i.project_id`.execute(db);
      return rows.rows.map((r) => ({ project: r.project_id }));
    },
    run(trx, _date, bounds) {
      return pruneProjectImages(context, trx, String(bounds.project));
    },
  };
}

function cutoff(context: CrowdfundingContext): Date {
  return new Date(context.clock.now().getTime() - context.settings.unusedImageHours * 3_600_000);
}

/** The condition on `crowdfunding_images i`: uploaded before `before` and shown nowhere. */
function unused(before: Date) {
  const url = sql`(${IMAGE_PATH_PREFIX} || i.id::text)`;
  return sql`i.created_at < ${before}
    and not exists (select 1 from crowdfunding_projects p where p.id = i.project_id
      and (p.images @> jsonb_build_array(${url}) or strpos(p.story, ${url}) > 0))
    and not exists (select 1 from crowdfunding_updates u where u.project_id = i.project_id
      and strpos(u.body, i.id::text) > 0)`;
}

/** Deletes one project's unused pictures under its row lock; returns how many. */
export async function pruneProjectImages(
  context: CrowdfundingContext,
  trx: Executor,
  projectId: string,
): Promise<number> {
  await projectRow(trx, projectId, true);
  const deleted = await sql`delete from crowdfunding_images i
    where i.project_id = ${projectId}::uuid and ${unused(cutoff(context))}`.execute(trx);
  return Number(deleted.numAffectedRows ?? 0n);
}
