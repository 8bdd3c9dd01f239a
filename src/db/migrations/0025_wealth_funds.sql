-- Reserved for issue 18 (0025_wealth_funds): written by its owner.
select 1;
