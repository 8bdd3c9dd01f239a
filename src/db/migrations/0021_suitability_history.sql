-- Reserved for issue 18 (0021_suitability_history): written by its owner.
select 1;
