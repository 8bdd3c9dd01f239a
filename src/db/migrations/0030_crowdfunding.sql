-- Crowdfunding (src/crowdfunding, issue 25; docs/crowdfunding.md): projects funded by many backers,
-- all or nothing. Balances live in the ledger only: a backing is a pending transfer from the
-- backer's wallet into the project's holds account until day-close settles the project; at success
-- the creator's share sits in the project's escrow account until the payout plan releases it.

create table crowdfunding_projects (
  id uuid primary key,
  creator_id uuid not null references users (id),
  -- draft → submitted → approved | changes_requested | refused; approved → scheduled (a launch time
  -- picked; live from then until the deadline) → succeeded | failed (day-close).
  status text not null check (status in ('draft', 'submitted', 'changes_requested', 'refused', 'approved',
    'scheduled', 'succeeded', 'failed')),
  title text not null,
  story text not null,
  images jsonb not null default '[]',
  category text not null,
  target int8 not null check (target > 0),
  currency text not null default 'CNY',
  duration_days int not null check (duration_days > 0),
  -- {"kind": "all"} or {"kind": "milestones"} (the milestones are rows of their own).
  payout_kind text not null check (payout_kind in ('all', 'milestones')),
  -- The decision engine's view of the creator at submission, for the reviewer.
  risk jsonb,
  review_note text,
  refusal_code text,
  reviewed_by uuid,
  launch_at timestamptz,
  deadline_at timestamptz,
  -- The business date whose close settles the project: the deadline's date.
  deadline_on date,
  -- Counters kept under the project's row lock with each backing and cancellation.
  pledged int8 not null default 0 check (pledged >= 0),
  backers int not null default 0 check (backers >= 0),
  fee int8,
  settled_on date,
  submitted_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index crowdfunding_projects_due on crowdfunding_projects (status, deadline_on);
create index crowdfunding_projects_creator on crowdfunding_projects (creator_id, created_at);

create table crowdfunding_tiers (
  id uuid primary key,
  project_id uuid not null references crowdfunding_projects (id) on delete cascade,
  position int not null,
  title text not null,
  description text not null,
  price int8 not null check (price > 0),
  -- null: unlimited.
  quantity int check (quantity is null or quantity > 0),
  sold int not null default 0 check (sold >= 0 and (quantity is null or sold <= quantity)),
  delivery_month text not null,
  shipping boolean not null,
  unique (project_id, position)
);

create table crowdfunding_milestones (
  id uuid primary key,
  project_id uuid not null references crowdfunding_projects (id) on delete cascade,
  position int not null,
  title text not null,
  -- An exact decimal; a project's shares sum to 1.
  share numeric(10, 8) not null check (share > 0 and share <= 1),
  status text not null default 'pending' check (status in ('pending', 'submitted', 'paid')),
  evidence text,
  rejection_reason text,
  amount int8,
  transfer_id text,
  paid_at timestamptz,
  unique (project_id, position)
);

create table crowdfunding_backings (
  id uuid primary key,
  project_id uuid not null references crowdfunding_projects (id),
  backer_id uuid not null references users (id),
  tier_id uuid references crowdfunding_tiers (id),
  amount int8 not null check (amount > 0),
  -- held: a pending transfer; cancelled: voided by the backer; collected: posted at success;
  -- released: voided when the project failed.
  status text not null check (status in ('held', 'cancelled', 'collected', 'released')),
  hold_transfer_id text not null,
  refunded int8 not null default 0 check (refunded >= 0 and refunded <= amount),
  settled_on date,
  address_enc text,
  address_updated_at timestamptz,
  delivery text not null default 'pending' check (delivery in ('pending', 'shipped', 'delivered')),
  carrier text,
  tracking text,
  shipped_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index crowdfunding_backings_project on crowdfunding_backings (project_id, status);
create index crowdfunding_backings_backer on crowdfunding_backings (backer_id, created_at);

-- Money back to a backer from escrow, by the creator or by staff.
create table crowdfunding_refunds (
  id uuid primary key,
  backing_id uuid not null references crowdfunding_backings (id),
  project_id uuid not null references crowdfunding_projects (id),
  amount int8 not null check (amount > 0),
  reason text not null,
  by_user uuid,
  complaint_id uuid,
  transfer_id text not null,
  created_at timestamptz not null
);

create table crowdfunding_updates (
  id uuid primary key,
  project_id uuid not null references crowdfunding_projects (id),
  title text not null,
  body text not null,
  created_at timestamptz not null
);

create table crowdfunding_complaints (
  id uuid primary key,
  project_id uuid not null references crowdfunding_projects (id),
  backing_id uuid not null references crowdfunding_backings (id),
  backer_id uuid not null,
  text text not null,
  status text not null default 'open' check (status in ('open', 'resolved')),
  resolution text,
  resolved_by uuid,
  created_at timestamptz not null,
  resolved_at timestamptz
);

create table crowdfunding_comments (
  id uuid primary key,
  project_id uuid not null references crowdfunding_projects (id),
  author_id uuid not null,
  body text not null,
  created_at timestamptz not null
);
create index crowdfunding_comments_project on crowdfunding_comments (project_id, created_at);
