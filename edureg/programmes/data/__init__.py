"""Data shipped with the programmes app: the programme kinds and their default rules (kinds.json)."""
