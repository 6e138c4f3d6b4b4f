"""The main menu: which entries a user's roles open (none that would answer 403)."""

from __future__ import annotations

from django import template

from zhusan.accounts.access import active_grants, has_capability, home_url_name
from zhusan.accounts.permissions import Capability, Compartment, Home, policy

register = template.Library()


@register.simple_tag(takes_context=True)
def user_menu(context: template.Context) -> dict[str, bool]:
    """``{% user_menu as menu %}``: ``menu.my_work``, ``menu.persons``,
    ``menu.admin``, ``menu.tokens`` … are true when the page opens for the user."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    grants = active_grants(user)

    def can(capability: Capability) -> bool:
        return has_capability(user, capability)

    def reads(*compartments: Compartment) -> bool:
        return any(policy(g.role).read & set(compartments) for g in grants)

    return {
        "my_work": home_url_name(user) == Home.MY_WORK,
        "persons": any(policy(g.role).read for g in grants),
        "centres": any(policy(g.role).read for g in grants),
        "referrals": reads(Compartment.FAMILY, Compartment.JUSTICE_SECURITY),
        "follow_up": reads(Compartment.CONTACT_LOCATION),
        "operations": can(Capability.VIEW_OPERATIONS),
        "review": can(Capability.REVIEW_MATCHES),
        "reports": can(Capability.VIEW_AGGREGATES),
        "case_export": can(Capability.EXPORT_CASES),
        "audit": can(Capability.VIEW_AUDIT),
        "data_protection": can(Capability.MANAGE_DATA_PROTECTION),
        "planning": can(Capability.MANAGE_OPERATIONS) and can(Capability.VIEW_AGGREGATES),
        "admin": user.is_superuser or can(Capability.ADMINISTER),
        "tokens": can(Capability.ISSUE_API_TOKEN),
    }
