"""Oversight: the pages of those who watch the system rather than work the
cases — the auditor's audit trail today. It reads the audit trail
(``zhusan.audit``) and sits above the registry, so the audit app itself stays
at the bottom of the layers, imported by every app that writes."""
