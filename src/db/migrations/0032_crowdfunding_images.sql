-- A project's pictures are uploaded to netfin and served from its own origin, never hot-linked
-- (docs/crowdfunding.md, "Pictures"): the web app's content security policy admits images from
-- 'self' only, and a picture on a third party's server tells that party who reads the project.
-- The type is read from the bytes (PNG, JPEG, WebP); a stored picture never changes, so it is
-- served with long immutable caching, its ETag the sha256 of its bytes.
create table crowdfunding_images (
  id uuid primary key,
  project_id uuid not null references crowdfunding_projects (id) on delete cascade,
  content_type text not null check (content_type in ('image/png', 'image/jpeg', 'image/webp')),
  size_bytes int not null check (size_bytes > 0 and size_bytes <= 2097152),
  -- Hex sha256 of the bytes: the same picture uploaded twice to a project is stored once.
  sha256 text not null,
  bytes bytea not null,
  created_at timestamptz not null,
  unique (project_id, sha256)
);

-- A backer reads their own complaints (GET /v1/crowdfunding/mine/complaints), newest first.
create index crowdfunding_complaints_backer on crowdfunding_complaints (backer_id, created_at);
