-- Reserved for issue 18 (0023_wealth_mmf_income): written by its owner.
select 1;
