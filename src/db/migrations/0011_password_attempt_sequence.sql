-- A running number of password attempts per user and password (src/identity/guess-limit.ts). The
-- failure counts go back to zero after a right password, so a count cannot tell whether attempts
-- were taken after a given one; this number never goes back, so a right password clears the count
-- only if no attempt at all was taken after it.
alter table users
  add column password_attempts_taken int8 not null default 0,
  add column payment_password_attempts_taken int8 not null default 0;
