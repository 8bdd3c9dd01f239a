-- Reserved for issue 18 (0024_wealth_fixed_term): written by its owner.
select 1;
