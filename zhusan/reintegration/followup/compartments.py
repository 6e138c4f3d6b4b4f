"""Which compartment each kind of follow-up record belongs to (one place).

- The plan, its contacts, visits and calls, and closures: contact and
  location (who sees the person where and when; case managers, social
  workers and consular officers write it, supervisors read it).
- Incidents: psychosocial notes (severe: encrypted, psychologists only),
  as an incident of stigma or threats tells of the person's wellbeing and
  of what others know about their past.
- Security follow-up: justice and security (the security liaison only).
"""

from __future__ import annotations

from zhusan.accounts.permissions import Compartment

FOLLOW_UP = Compartment.CONTACT_LOCATION
INCIDENTS = Compartment.PSYCHOSOCIAL
SECURITY = Compartment.JUSTICE_SECURITY
