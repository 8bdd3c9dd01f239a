-- Reserved for issue 18 (0022_wealth_mmf_orders): written by its owner.
select 1;
