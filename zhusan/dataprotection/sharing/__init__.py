"""Sharing agreements, breach log, impact assessments, the data-protection officer's figures."""
