"""Follow-up and closure."""
