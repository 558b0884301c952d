"""One audit trail: every create, update and delete of a registered model leaves an ObjectChange."""
