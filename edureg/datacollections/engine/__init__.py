"""Pure computation for data collections: checking answers against the form and its validation rules. No Django."""
