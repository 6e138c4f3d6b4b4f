"""The registry's extension points: how other apps plug into the person.

The registry owns the person. Apps that hang off it (matching, operations,
rehabilitation, reintegration, reporting …) never edit the registry to make
room, and the registry never imports them: each app declares what it adds,
here, from its ``AppConfig.ready()``. The points, listed in one place
(``docs/architecture.md`` describes them with an example):

after-registration and after-consent handlers
    ``after_person_registered(name, slow=…)`` / ``after_consent_recorded(…)``
    decorate a handler. Every path that creates a person (UI, API, manifest
    import, demo) goes through ``services.person_create``, and every consent
    through ``services.consent_record``; those call ``person_registered`` /
    ``consent_recorded`` below, which run the handlers *after the transaction
    commits*: a fast handler in the same process, a slow one as a task of the
    queue (``tasks.run_person_handler``), so a registration never waits for
    matching. A handler's error is logged; it never undoes the write. A slow
    handler must be safe to run twice: it runs again when its worker stopped
    in the middle (``zhusan.core.workers``).

merge participation
    A merge moves every row that relates to the merged person, derived from
    the model graph (``merge.relations_to_move``). An app whose relation
    must not move (history, such as the merge records themselves) says so
    with ``merge_exclusion("app_label.Model.field", why=…)``.

person page, API, exports, indicators
    ``person_tab``, ``person_api``, ``export_fields`` and ``indicators``
    register what an app shows on the person page, the person's API
    sub-resources, the fields it adds to case-level exports and the
    indicators it adds to the reporting catalogue. ``person_notices`` adds
    a line to the person's header (e.g. "2 possible duplicates").

likely-existing check
    ``likely_existing_check(provider)`` answers, before a person is saved,
    which registered persons the new one may be (matching scores them); the
    registration form shows them inline and asks to confirm.

briefing
    ``briefing_sentences(provider)`` adds a sentence to the briefing's
    outcome paragraph, stating published (protected) figures only.

sharing gate
    ``sharing_check(provider)``: before a referral, a case transfer or a
    case export names another organisation, ``check_sharing`` asks every
    provider (the data-protection package: a valid sharing agreement must
    exist); a provider refuses with a ``ValidationError`` whose message says
    why, and the caller writes nothing.

home page
    ``my_work_panel`` adds a panel to a member of staff's "My work" page
    (``zhusan.mywork``): the reviews, clearances or sessions waiting for them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from django.db import transaction

if TYPE_CHECKING:
    from django.urls import URLPattern

    from zhusan.accounts.access import PersonAccess
    from zhusan.accounts.permissions import Compartment, Detail
    from zhusan.audit.services import Actor

    from .models import Consent, Person
    from .services import PersonInput

logger = logging.getLogger(__name__)

PersonHandler = Callable[["Actor", "Person"], Any]
ConsentHandler = Callable[["Actor", "Person", "Consent"], Any]


@dataclass(frozen=True)
class Handler:
    name: str  # "<app>.<what>", unique; a queued task names its handler by it
    run: Callable[..., Any]
    slow: bool  # True: run as a task of the queue, off the request


@dataclass
class _Points:
    registered: dict[str, Handler] = field(default_factory=dict)
    consent: dict[str, Handler] = field(default_factory=dict)
    merge_exclusions: dict[str, str] = field(default_factory=dict)
    tabs: list[PersonTab] = field(default_factory=list)
    apis: list[PersonAPI] = field(default_factory=list)
    notices: list[Callable[[Any, Person], list[Notice]]] = field(default_factory=list)
    exports: list[Callable[[], Iterable[ExportField]]] = field(default_factory=list)
    indicators: list[Callable[[], Iterable[Any]]] = field(default_factory=list)
    statistics: list[Callable[[], dict[str, Any]]] = field(default_factory=list)
    likely_existing: list[Callable[[Actor, PersonInput], Sequence[LikelyExisting]]] = field(default_factory=list)
    work_panels: list[Callable[[Actor], WorkPanel | None]] = field(default_factory=list)
    sentences: list[Callable[[Callable[[str], str]], str | None]] = field(default_factory=list)
    sharing: list[SharingCheck] = field(default_factory=list)


SharingCheck = Callable[..., None]

POINTS = _Points()


# --- After registration and after consent -------------------------------------------


def _register(table: dict[str, Handler], name: str, slow: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in table and table[name].run is not fn:
            raise ValueError(f"A handler named {name!r} is already registered")
        table[name] = Handler(name, fn, slow)
        return fn

    return decorate


def after_person_registered(name: str, *, slow: bool = False) -> Callable[[PersonHandler], PersonHandler]:
    """Register ``fn(actor, person)`` to run after a person is registered."""
    return _register(POINTS.registered, name, slow)


def after_consent_recorded(name: str, *, slow: bool = False) -> Callable[[ConsentHandler], ConsentHandler]:
    """Register ``fn(actor, person, consent)`` to run after a consent is recorded."""
    return _register(POINTS.consent, name, slow)


def person_registered(*, actor: Actor, person: Person) -> None:
    """Called by ``services.person_create``: the handlers run once the
    registration has committed (never for a registration rolled back)."""
    for handler in POINTS.registered.values():
        _after_commit(handler, actor, person, None)


def consent_recorded(*, actor: Actor, person: Person, consent: Consent) -> None:
    """Called by ``services.consent_record``, likewise."""
    for handler in POINTS.consent.values():
        _after_commit(handler, actor, person, consent)


def _after_commit(handler: Handler, actor: Actor, person: Person, consent: Consent | None) -> None:
    def go() -> None:
        if handler.slow:
            from .tasks import enqueue_handler

            enqueue_handler(handler, actor, person, consent)
        else:
            run_handler(handler, actor, person, consent)

    transaction.on_commit(go, robust=True)


def run_handler(handler: Handler, actor: Actor, person: Person, consent: Consent | None) -> None:
    """Run one handler; its failure is logged and never reaches the writer."""
    try:
        if consent is None:
            handler.run(actor, person)
        else:
            handler.run(actor, person, consent)
    except Exception:
        logger.exception("%s after %s failed", handler.name, person.case_number)


def handler_named(name: str) -> Handler:
    found = POINTS.registered.get(name) or POINTS.consent.get(name)
    if found is None:
        raise LookupError(f"No handler named {name!r}")
    return found


# --- Merge participation ------------------------------------------------------------


def merge_exclusion(relation: str, *, why: str) -> None:
    """A relation to the person (``"app_label.Model.field"``) that a merge
    leaves where it is, and why."""
    POINTS.merge_exclusions[relation] = why


# --- Person page, API, notices, exports, indicators ---------------------------------


@dataclass(frozen=True)
class PersonTab:
    """A tab of the person page: ``url_name`` is a view taking the person's
    UUID as ``person_uuid``; the tab shows to users who read ``compartment``
    and are not refused its ``detail`` (a field mask, e.g. a teacher sees no
    timeline). ``order`` sorts the tabs (the registry's own are 10, 20 … 60)."""

    url_name: str
    label: Any  # a lazy translation
    compartment: Compartment
    order: int
    detail: Detail | None = None

    def allows(self, access: PersonAccess) -> bool:
        return access.can_read(self.compartment, self.detail)


@dataclass(frozen=True)
class PersonAPI:
    """API sub-resources of a person, mounted under ``/api/v1/persons/<uuid>/``."""

    urlpatterns: Callable[[], list[URLPattern]]


@dataclass(frozen=True)
class Notice:
    """One line in the person's header, e.g. possible duplicates to review."""

    text: str
    url: str = ""
    link_text: str = ""


def person_tab(tab: PersonTab) -> None:
    if any(t.url_name == tab.url_name for t in POINTS.tabs):
        return
    POINTS.tabs.append(tab)
    POINTS.tabs.sort(key=lambda t: t.order)


def tabs_for(access: PersonAccess) -> list[PersonTab]:
    return [t for t in POINTS.tabs if t.allows(access)]


def tab_named(url_name: str) -> PersonTab:
    return next(t for t in POINTS.tabs if t.url_name == url_name)


def person_api(api: PersonAPI) -> None:
    if api not in POINTS.apis:
        POINTS.apis.append(api)


def person_api_urlpatterns() -> list[URLPattern]:
    return [pattern for api in POINTS.apis for pattern in api.urlpatterns()]


def person_notices(provider: Callable[[Any, Person], list[Notice]]) -> None:
    """``provider(user, person)`` returns the notices for that user (it checks
    the user's rights itself, and must not reveal what they may not see)."""
    if provider not in POINTS.notices:
        POINTS.notices.append(provider)


def notices_for(user: Any, person: Person) -> list[Notice]:
    out: list[Notice] = []
    for provider in POINTS.notices:
        try:
            out.extend(provider(user, person))
        except Exception:
            logger.exception("a person notice for %s failed", person.case_number)
    return out


@dataclass(frozen=True)
class RowContext:
    """What a case-export value may depend on besides the person."""

    today: date
    script: str


@dataclass(frozen=True)
class ExportField:
    """One column of the case-level export (``reporting.case_exports``).

    ``value(person, ctx)`` reads it from a person fetched with ``prefetch``
    and with the annotations ``annotate()`` returns (name → expression over
    Person). Fields of severe compartments are refused by the catalogue."""

    code: str
    label: Any  # a lazy translation
    compartment: Compartment
    value: Callable[[Person, RowContext], object]
    prefetch: tuple[Any, ...] = ()
    annotate: Callable[[], dict[str, Any]] | None = None


def export_fields(provider: Callable[[], Iterable[ExportField]]) -> None:
    """``provider()`` returns the case-export fields an app adds."""
    if provider not in POINTS.exports:
        POINTS.exports.append(provider)


def indicators(provider: Callable[[], Iterable[Any]]) -> None:
    """``provider()`` returns the indicators an app adds to the reporting
    catalogue (``reporting.indicators.Indicator``: an app above reporting in
    the layers builds them)."""
    if provider not in POINTS.indicators:
        POINTS.indicators.append(provider)


def statistics_columns(provider: Callable[[], dict[str, Any]]) -> None:
    """``provider()`` returns columns (name → expression over Person, e.g. a
    ``Subquery``) added to the pseudonymous statistical row every indicator
    reads, so an app's indicators can count what the app records."""
    if provider not in POINTS.statistics:
        POINTS.statistics.append(provider)


def briefing_sentences(provider: Callable[[Callable[[str], str]], str | None]) -> None:
    """``provider(figure)`` returns one sentence of the briefing's outcome
    paragraph (or None). ``figure(code)`` is the published overall value of
    the indicator ``code``, as text: the count after disclosure control, or
    the word for a suppressed figure. A sentence states only such figures,
    so no count reaches the briefing unprotected."""
    if provider not in POINTS.sentences:
        POINTS.sentences.append(provider)


def contributed_briefing_sentences(figure: Callable[[str], str]) -> list[str]:
    out: list[str] = []
    for provider in POINTS.sentences:
        try:
            sentence = provider(figure)
        except Exception:
            logger.exception("a briefing sentence failed")
            continue
        if sentence:
            out.append(str(sentence))
    return out


def contributed_export_fields() -> list[ExportField]:
    return [f for provider in POINTS.exports for f in provider()]


def contributed_indicators() -> list[Any]:
    return [i for provider in POINTS.indicators for i in provider()]


def contributed_statistics_columns() -> dict[str, Any]:
    return {name: expr for provider in POINTS.statistics for name, expr in provider().items()}


# --- My work ---------------------------------------------------------------------


@dataclass(frozen=True)
class WorkItem:
    """One line of a "My work" panel: what waits, and where to act on it."""

    text: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class WorkPanel:
    """A panel of the "My work" page. ``count`` is how many wait in all
    (``items`` may show only the first few); ``order`` sorts the panels."""

    title: Any  # a lazy translation
    items: list[WorkItem]
    count: int
    url: str = ""
    link_text: Any = ""
    order: int = 50


def my_work_panel(provider: Callable[[Actor], WorkPanel | None]) -> None:
    """``provider(actor)`` returns the panel for the acting user, or None when
    they have nothing to do there (no capability): it checks the user's rights
    itself and reads through the access path and its app's selectors."""
    if provider not in POINTS.work_panels:
        POINTS.work_panels.append(provider)


def work_panels_for(actor: Actor) -> list[WorkPanel]:
    out: list[WorkPanel] = []
    for provider in POINTS.work_panels:
        try:
            panel = provider(actor)
        except Exception:
            logger.exception("a My work panel failed")
            continue
        if panel is not None:
            out.append(panel)
    return sorted(out, key=lambda p: p.order)


# --- Likely-existing check before a registration ----------------------------------


class LikelyExisting(Protocol):
    """A registered person the one being registered may be: ``probability``
    from 0 to 1, ``evidence["names"]`` the pair of names that met."""

    person: Person
    probability: float
    evidence: dict[str, Any]


def likely_existing_check(provider: Callable[[Actor, PersonInput], Sequence[LikelyExisting]]) -> None:
    """``provider(actor, data)`` returns the persons the actor may see that
    ``data`` (a registration not yet saved) may duplicate, best first. It
    checks the actor's rights and audits the search itself."""
    if provider not in POINTS.likely_existing:
        POINTS.likely_existing.append(provider)


def has_likely_existing_check() -> bool:
    return bool(POINTS.likely_existing)


def likely_existing_for(actor: Actor, data: PersonInput) -> list[LikelyExisting]:
    """What every registered provider finds, best first; a provider's error
    is logged and never stops a registration."""
    out: list[LikelyExisting] = []
    for provider in POINTS.likely_existing:
        try:
            out.extend(provider(actor, data))
        except Exception:
            logger.exception("a likely-existing check failed")
    return sorted(out, key=lambda hit: -hit.probability)


# --- Sharing gate ----------------------------------------------------------------------


class SharingPurpose:
    """Why data leaves for another organisation (``check_sharing``'s ``purpose``)."""

    REFERRAL = "referral"
    TRANSFER = "transfer"
    CASE_EXPORT = "case_export"


def sharing_check(provider: SharingCheck) -> None:
    """``provider(actor=…, organisation=…, purpose=…, persons=…)`` raises a
    ``ValidationError`` (a field-less message saying why) when the sharing
    is not allowed; it returns None when it is."""
    if provider not in POINTS.sharing:
        POINTS.sharing.append(provider)


def check_sharing(*, actor: Actor, organisation: Any, purpose: str, persons: Sequence[Person] = ()) -> None:
    """Ask every registered provider whether ``organisation`` may receive
    ``persons``' data for ``purpose``; the first refusal is raised. Call it
    inside the writing transaction, before anything is written."""
    for provider in POINTS.sharing:
        provider(actor=actor, organisation=organisation, purpose=purpose, persons=persons)
