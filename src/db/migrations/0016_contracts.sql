-- Contract templates, signed PDF contracts, acceptances and the legal review queue (issue 21). See docs/compliance.md.

-- A template per kind of deal and language, versioned. Legal writes drafts; a second person
-- approves one, which retires the version approved before it. Approved and retired versions never
-- change (the service refuses, and a contract names the version it was rendered from).
create table contract_templates (
  id uuid primary key,
  kind text not null check (kind in ('loan', 'note_transfer', 'credit_line', 'wealth_product')),
  language text not null check (language in ('zh', 'en')),
  version integer not null check (version > 0),
  status text not null check (status in ('draft', 'approved', 'retired')),
  title text not null,
  body jsonb not null,
  created_by text not null,
  -- Everyone who wrote the draft (its author and each editor): none of them may approve it.
  edited_by text[] not null default '{}',
  created_at timestamptz not null,
  updated_at timestamptz not null,
  approved_by text,
  approved_at timestamptz,
  retired_at timestamptz,
  unique (kind, language, version)
);
-- At most one approved version per kind and language: two approvals racing cannot both win.
create unique index contract_templates_one_approved on contract_templates (kind, language) where status = 'approved';

-- A concluded deal's contract, written in the deal's own transaction. terms_digest is SHA-256 over
-- the RFC 8785 form of { kind, subjectId, terms, parties } ('sha256-jcs'). The parties' personal
-- data for the PDF is sealed (vault-encrypted) when the contract is first rendered, so that a
-- re-render gives the same bytes.
create table contracts (
  id uuid primary key,
  number text not null unique,
  kind text not null,
  subject_type text not null,
  subject_id text not null,
  terms jsonb not null,
  parties jsonb not null,
  terms_digest text not null,
  digest_algorithm text not null,
  deal_digest text,
  deal_digest_algorithm text,
  signed_at timestamptz not null,
  business_date date not null,
  template_zh_id uuid references contract_templates (id),
  template_en_id uuid references contract_templates (id),
  party_data_sealed text,
  -- Set once both documents are stored: the renderers look only at contracts without it.
  documents_rendered_at timestamptz,
  -- Failed renders (an error, or no approved template for a language): after a few the background
  -- renderer passes the contract by, so that one bad contract does not hold back the others.
  render_failures integer not null default 0,
  render_error text,
  review_status text not null check (review_status in ('not_required', 'pending', 'accepted', 'remediate')),
  deviations jsonb not null default '[]',
  review_note text,
  reviewed_by text,
  reviewed_at timestamptz,
  created_at timestamptz not null,
  unique (subject_type, subject_id)
);
create index contracts_signed on contracts (signed_at desc, id desc);
create index contracts_review on contracts (review_status, signed_at) where review_status <> 'not_required';
create index contracts_business_date on contracts (business_date);
create index contracts_unrendered on contracts (signed_at) where documents_rendered_at is null;

-- Who is party to which contract: "my contracts" and the staff search by party.
create table contract_parties (
  contract_id uuid not null references contracts (id),
  user_id uuid not null,
  role text not null,
  primary key (contract_id, user_id, role)
);
create index contract_parties_user on contract_parties (user_id, contract_id);

-- The rendered PDFs, one per language. bytes_sealed is the PDF encrypted with identity's vault
-- (it holds personal data); sha256 is over the plaintext PDF, which is what a party holds.
create table contract_documents (
  contract_id uuid not null references contracts (id),
  language text not null check (language in ('zh', 'en')),
  template_id uuid references contract_templates (id),
  sha256 text not null,
  bytes_sealed text not null,
  size integer not null,
  rendered_at timestamptz not null,
  primary key (contract_id, language)
);
create index contract_documents_sha256 on contract_documents (sha256);

-- A party binding itself to a deal, with the hash of what it was shown and the template version.
create table contract_acceptances (
  id uuid primary key,
  kind text not null,
  subject_type text not null,
  subject_id text not null,
  user_id uuid not null,
  role text not null,
  accepted_at timestamptz not null,
  ip text,
  user_agent text,
  accepted_hash text not null,
  hash_algorithm text not null,
  template_id uuid references contract_templates (id),
  template_kind text,
  template_language text,
  template_version integer
);
create index contract_acceptances_subject on contract_acceptances (subject_type, subject_id, accepted_at);
create index contract_acceptances_user on contract_acceptances (user_id, accepted_at);
