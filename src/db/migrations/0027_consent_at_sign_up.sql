-- Sign-up records the acceptance of the user agreement and the privacy policy as consent records.
alter table privacy_consents drop constraint privacy_consents_source_check;
alter table privacy_consents add constraint privacy_consents_source_check
  check (source in ('settings', 'loan_application', 'line_application', 'staff', 'sign_up'));
