-- The outcome a collector records after a Call names the call (its 'dialled' contact): the call and
-- its outcome are one contact toward the daily limit, and a call has one outcome.
alter table collection_contacts add column call_id uuid references collection_contacts (id);
create unique index collection_contacts_call on collection_contacts (call_id) where call_id is not null;
