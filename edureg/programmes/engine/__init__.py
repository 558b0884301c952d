"""Pure computation for the programmes register (no Django imports; an import-linter contract keeps it so)."""
