"""The only orchestration: collect the parts (registry order, honouring `needs`) → evaluate
the rules → an outcome carrying the result. Used by report, check, alert, export and serve."""
