"""The family graph: a person in the centre, relatives around, drawn as
server-rendered inline SVG (no JavaScript; styled by classes in app.css so
that it passes the strict CSP).

``relatives_of`` and ``households_of`` gather what the viewer may know (one
access check for all the persons shown, never one per person); ``layout``
places the nodes and edges and is pure, so it is unit-tested without a
database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from .access import access_for_many
from .models import INVERSE_RELATION, EstablishedBy, HouseholdMember, RelationKind, Relationship, Sex

if TYPE_CHECKING:
    from zhusan.accounts.models import User

    from .models import Person

NODE_W = 160
NODE_H = 48
GAP_X = 40
ROW_Y = {"above": 40, "centre": 200, "below": 360}
MARGIN = 30
LABEL_MAX = 22
CENTRE_LABEL_MAX = 17  # the centre is drawn in a larger, bold face

# Where a relative sits, by what they are to the centre person.
GROUP: dict[str, str] = {
    RelationKind.MOTHER: "above",
    RelationKind.FATHER: "above",
    "parent": "above",
    RelationKind.GRANDPARENT: "above",
    RelationKind.GUARDIAN: "above",
    RelationKind.AUNT_UNCLE: "above",
    RelationKind.CHILD: "below",
    RelationKind.GRANDCHILD: "below",
    RelationKind.WARD: "below",
    RelationKind.NIECE_NEPHEW: "below",
    RelationKind.SIBLING: "beside",
    RelationKind.HALF_SIBLING: "beside",
    RelationKind.SPOUSE: "beside",
    RelationKind.OTHER: "other",
}


@dataclass(frozen=True)
class Relative:
    """One relative as the viewer may know them.

    ``relation`` is what the relative is to the centre person ("mother" means
    the relative is the centre person's mother). A relative outside the
    viewer's scope has ``visible=False`` and carries no name and no link.
    """

    key: str
    relation: str
    established_by: str
    visible: bool
    label: str = ""
    url: str = ""


@dataclass(frozen=True)
class Node:
    key: str
    x: int
    y: int
    label: str
    kind: str  # "self", "relative" or "hidden"
    url: str = ""

    @property
    def cx(self) -> int:
        return self.x + NODE_W // 2

    @property
    def cy(self) -> int:
        return self.y + NODE_H // 2

    @property
    def text_y(self) -> int:
        return self.y + NODE_H // 2 + 5


@dataclass(frozen=True)
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int
    label: str
    declared: bool

    # Labels sit three quarters of the way towards the relative, so that the
    # labels of edges fanning out of the centre do not overlap.
    @property
    def label_x(self) -> int:
        return (self.x1 + 3 * self.x2) // 4

    @property
    def label_y(self) -> int:
        return (self.y1 + 3 * self.y2) // 4 - 4


@dataclass
class FamilyGraph:
    width: int
    height: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    @property
    def centre(self) -> Node:
        return next(n for n in self.nodes if n.kind == "self")


def relation_label(relation: str) -> str:
    if relation == "parent":
        return _("Parent")
    try:
        return str(RelationKind(relation).label)
    except ValueError:
        return relation


def established_label(value: str) -> str:
    try:
        return str(EstablishedBy(value).label)
    except ValueError:
        return value


def _short(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _row_positions(count: int, width: int) -> list[int]:
    """Left x of ``count`` nodes centred in a row of ``width``."""
    row_width = count * NODE_W + max(count - 1, 0) * GAP_X
    start = (width - row_width) // 2
    return [start + i * (NODE_W + GAP_X) for i in range(count)]


def layout(centre_label: str, relatives: list[Relative]) -> FamilyGraph:
    """Place the centre person and their relatives: parents above, children
    below, siblings and spouses beside, other relations at the ends of the
    middle row. Deterministic: same input, same drawing."""
    rows: dict[str, list[Relative]] = {"above": [], "below": [], "beside": [], "other": []}
    for rel in relatives:
        rows[GROUP.get(rel.relation, "other")].append(rel)
    side = rows["beside"] + rows["other"]
    left, right = side[: len(side) // 2], side[len(side) // 2 :]
    middle_count = len(left) + 1 + len(right)
    widest = max(len(rows["above"]), len(rows["below"]), middle_count, 1)
    width = 2 * MARGIN + widest * NODE_W + (widest - 1) * GAP_X
    height = ROW_Y["below"] + NODE_H + MARGIN if rows["below"] else ROW_Y["centre"] + NODE_H + MARGIN
    top_offset = 0 if rows["above"] else -(ROW_Y["centre"] - ROW_Y["above"])
    if top_offset:
        height += top_offset

    def y(row: str) -> int:
        return ROW_Y[row] + top_offset

    xs = _row_positions(middle_count, width)
    centre = Node(key="self", x=xs[len(left)], y=y("centre"), label=_short(centre_label, CENTRE_LABEL_MAX), kind="self")
    graph = FamilyGraph(width=width, height=height, nodes=[centre])

    def add(rel: Relative, x: int, row_y: int) -> None:
        node = Node(
            key=rel.key,
            x=x,
            y=row_y,
            label=_short(rel.label) if rel.visible else _("Not in your scope"),
            kind="relative" if rel.visible else "hidden",
            url=rel.url if rel.visible else "",
        )
        graph.nodes.append(node)
        if row_y < centre.y:
            x1, y1, x2, y2 = node.cx, node.y + NODE_H, centre.cx, centre.y
        elif row_y > centre.y:
            x1, y1, x2, y2 = centre.cx, centre.y + NODE_H, node.cx, node.y
        elif node.x < centre.x:
            x1, y1, x2, y2 = node.x + NODE_W, node.cy, centre.x, centre.cy
        else:
            x1, y1, x2, y2 = centre.x + NODE_W, centre.cy, node.x, node.cy
        graph.edges.append(
            Edge(
                x1=x1,
                y1=y1,
                x2=x2,
                y2=y2,
                label=f"{relation_label(rel.relation)} · {established_label(rel.established_by)}",
                declared=rel.established_by == EstablishedBy.DECLARED,
            )
        )

    for rel, x in zip(rows["above"], _row_positions(len(rows["above"]), width), strict=True):
        add(rel, x, y("above"))
    for rel, x in zip(rows["below"], _row_positions(len(rows["below"]), width), strict=True):
        add(rel, x, y("below"))
    for rel, x in zip(left, xs[: len(left)], strict=True):
        add(rel, x, y("centre"))
    for rel, x in zip(right, xs[len(left) + 1 :], strict=True):
        add(rel, x, y("centre"))
    return graph


def _what_other_is(rel: Relationship, centre: Person) -> tuple[Person, str]:
    """The relative and what they are to ``centre``, from a stored relationship."""
    if rel.to_person_id == centre.pk:
        return rel.from_person, rel.kind
    other = rel.to_person
    if rel.kind == RelationKind.CHILD:
        # The centre is the other's child, so the other is a parent.
        parents: dict[str, str] = {Sex.FEMALE: RelationKind.MOTHER, Sex.MALE: RelationKind.FATHER}
        return other, parents.get(other.sex, "parent")
    return other, INVERSE_RELATION.get(rel.kind, RelationKind.OTHER)


def display_name(person: Person) -> str:
    name = person.primary_name
    return name.full if name else person.case_number


def relatives_of(person: Person, viewer: User) -> list[Relative]:
    """The centre person's relatives, each with what the viewer may know of them."""
    rels = (
        Relationship.objects.filter(from_person=person)
        .select_related("to_person")
        .prefetch_related("to_person__names")
        .order_by("pk")
    )
    rels_in = (
        Relationship.objects.filter(to_person=person)
        .select_related("from_person")
        .prefetch_related("from_person__names")
        .order_by("pk")
    )
    found = [(rel, *_what_other_is(rel, person)) for rel in [*rels, *rels_in]]
    access = access_for_many(viewer, [other for _rel, other, _relation in found])
    out: list[Relative] = []
    for rel, other, relation in found:
        visible = access[other.pk].visible
        out.append(
            Relative(
                key=str(rel.uuid),
                relation=str(relation),
                established_by=rel.established_by,
                visible=visible,
                label=display_name(other) if visible else "",
                url=other.get_absolute_url() if visible else "",
            )
        )
    return out


def households_of(person: Person, viewer: User) -> list[dict[str, Any]]:
    """The centre person's households, each with its other members and
    whether the viewer may see each (``{"membership", "members": [{"member", "visible"}]}``)."""
    members = HouseholdMember.objects.select_related("person").prefetch_related("person__names").order_by("pk")
    memberships = list(
        person.household_memberships.select_related("household").prefetch_related(
            Prefetch("household__memberships", queryset=members)
        )
    )
    others = [
        [m for m in membership.household.memberships.all() if m.person_id != person.pk] for membership in memberships
    ]
    access = access_for_many(viewer, [m.person for group in others for m in group])
    return [
        {"membership": membership, "members": [{"member": m, "visible": access[m.person_id].visible} for m in group]}
        for membership, group in zip(memberships, others, strict=True)
    ]


def family_graph(person: Person, viewer: User) -> tuple[FamilyGraph, list[Relative]]:
    relatives = relatives_of(person, viewer)
    return layout(display_name(person), relatives), relatives
