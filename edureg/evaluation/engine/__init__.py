"""Pure evaluation engines (no Django): score aggregation with the decision rule, and a call's ranking and
selection within its budget. Numbers are Decimals so that the same scores always give the same totals."""
