"""Pure admission engines (no Django): allocation (deferred acceptance), the round file format,
eligibility rules and scoring formulas."""
