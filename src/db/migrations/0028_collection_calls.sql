-- A collector's "call" action logs the attempt before the call's outcome is known: outcome 'dialled'.
alter table collection_contacts drop constraint collection_contacts_outcome_check;
alter table collection_contacts add constraint collection_contacts_outcome_check
  check (outcome in ('promise_to_pay', 'paid', 'no_answer', 'wrong_number', 'refused', 'dispute', 'sent', 'dialled'));
