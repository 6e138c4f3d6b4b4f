"""The family graph: a person in the centre, relatives around, drawn as
server-rendered inline SVG (no JavaScript; styled by classes in app.css so
that it passes the strict CSP).

One row per generation: grandparents above parents above the person, then
children and grandchildren below; siblings, spouses and other relations
beside. A long name is wrapped on two lines inside its box and, if still too
long, ends in "…" with the full name in the box's ``<title>``. In a
right-to-left language the drawing is mirrored (the first sibling on the
right).

``relatives_of`` and ``households_of`` gather what the viewer may know (one
access check for all the persons shown, never one per person); ``layout``
places the nodes and edges and is pure, so it is unit-tested without a
database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from .access import access_for_many
from .models import INVERSE_RELATION, EstablishedBy, HouseholdMember, RelationKind, Relationship, Sex

if TYPE_CHECKING:
    from zhusan.accounts.models import User

    from .models import Person

NODE_W = 160
NODE_H = 48
GAP_X = 40
TOP = 40  # y of the highest row
ROW_GAP = 160  # from one generation's row to the next
MARGIN = 30
# The page scales the drawing to its width: at least this many boxes wide, a
# small family is not drawn in giant letters.
MIN_COLUMNS = 4
# Characters per line inside a box (13px text in a 160px box), two lines at most.
LABEL_MAX = 22
CENTRE_LABEL_MAX = 17  # the centre is drawn in a larger, bold face
LABEL_LINES = 2
LINE_HEIGHT = 15

# The generation a relative sits in (-2 grandparents … +2 grandchildren), by
# what they are to the centre person; "beside" and "other" share the centre's row.
GENERATION: dict[str, int] = {
    RelationKind.GRANDPARENT: -2,
    RelationKind.MOTHER: -1,
    RelationKind.FATHER: -1,
    "parent": -1,
    RelationKind.GUARDIAN: -1,
    RelationKind.AUNT_UNCLE: -1,
    RelationKind.CHILD: 1,
    RelationKind.WARD: 1,
    RelationKind.NIECE_NEPHEW: 1,
    RelationKind.GRANDCHILD: 2,
}
BESIDE = {RelationKind.SIBLING, RelationKind.HALF_SIBLING, RelationKind.SPOUSE}


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
    label: str  # the full name (the box's <title>)
    kind: str  # "self", "relative" or "hidden"
    url: str = ""
    lines: tuple[str, ...] = ()  # the name as drawn: wrapped, shortened with "…"

    @property
    def cx(self) -> int:
        return self.x + NODE_W // 2

    @property
    def cy(self) -> int:
        return self.y + NODE_H // 2

    @property
    def text_y(self) -> int:
        return self.y + NODE_H // 2 + 5

    @property
    def text_lines(self) -> list[tuple[int, str]]:
        """The baseline y of each drawn line, the lines centred in the box."""
        first = self.text_y - (len(self.lines) - 1) * LINE_HEIGHT // 2
        return [(first + k * LINE_HEIGHT, line) for k, line in enumerate(self.lines)]

    @property
    def shortened(self) -> bool:
        return " ".join(self.lines) != self.label


@dataclass(frozen=True)
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int
    label: str
    declared: bool
    # Where the label sits: in the gap next to the relative, so that the labels
    # of edges fanning out of the centre, or crossing a generation, do not overlap.
    label_x: int = 0
    label_y: int = 0


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


def label_lines(text: str, limit: int = LABEL_MAX, max_lines: int = LABEL_LINES) -> tuple[str, ...]:
    """``text`` wrapped at spaces into lines of at most ``limit`` characters;
    past ``max_lines`` the last line ends in "…" (a word longer than a line is cut)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    lines = [_short(line, limit) for line in lines] or [""]
    if len(lines) > max_lines:
        kept = lines[max_lines - 1]
        lines = [*lines[: max_lines - 1], (kept if len(kept) < limit else kept[: limit - 1]) + "…"]
    return tuple(lines)


def _row_positions(count: int, width: int) -> list[int]:
    """Left x of ``count`` nodes centred in a row of ``width``."""
    row_width = count * NODE_W + max(count - 1, 0) * GAP_X
    start = (width - row_width) // 2
    return [start + i * (NODE_W + GAP_X) for i in range(count)]


def layout(centre_label: str, relatives: list[Relative], *, rtl: bool = False) -> FamilyGraph:
    """Place the centre person and their relatives: one row per generation
    (grandparents, parents, the person, children, grandchildren), siblings and
    spouses beside the person, other relations at the ends of that row;
    mirrored left to right when ``rtl``. Deterministic: same input, same drawing."""
    rows: dict[int, list[Relative]] = {}
    side: list[Relative] = []
    others: list[Relative] = []
    for rel in relatives:
        generation = GENERATION.get(rel.relation)
        if generation is not None:
            rows.setdefault(generation, []).append(rel)
        else:
            (side if rel.relation in BESIDE else others).append(rel)
    side += others
    left, right = side[: len(side) // 2], side[len(side) // 2 :]
    middle_count = len(left) + 1 + len(right)
    widest = max([MIN_COLUMNS, middle_count, *(len(row) for row in rows.values())])
    width = 2 * MARGIN + widest * NODE_W + (widest - 1) * GAP_X
    highest, lowest = min([0, *rows]), max([0, *rows])
    height = TOP + (lowest - highest) * ROW_GAP + NODE_H + MARGIN

    def y(generation: int) -> int:
        return TOP + (generation - highest) * ROW_GAP

    def mirrored(x: int, w: int = NODE_W) -> int:
        return width - x - w if rtl else x

    xs = _row_positions(middle_count, width)
    centre = Node(
        key="self",
        x=mirrored(xs[len(left)]),
        y=y(0),
        label=centre_label,
        kind="self",
        lines=label_lines(centre_label, CENTRE_LABEL_MAX),
    )
    graph = FamilyGraph(width=width, height=height, nodes=[centre])
    gap = ROW_GAP - NODE_H

    def add(rel: Relative, x: int, row_y: int) -> None:
        label = rel.label if rel.visible else _("Not in your scope")
        node = Node(
            key=rel.key,
            x=mirrored(x),
            y=row_y,
            label=label,
            kind="relative" if rel.visible else "hidden",
            url=rel.url if rel.visible else "",
            lines=label_lines(label),
        )
        graph.nodes.append(node)
        if row_y < centre.y:
            x1, y1, x2, y2 = node.cx, node.y + NODE_H, centre.cx, centre.y
            label_y = y1 + gap // 2
        elif row_y > centre.y:
            x1, y1, x2, y2 = centre.cx, centre.y + NODE_H, node.cx, node.y
            label_y = y2 - gap // 2
        elif node.x < centre.x:
            x1, y1, x2, y2 = node.x + NODE_W, node.cy, centre.x, centre.cy
            label_y = y1 - 4
        else:
            x1, y1, x2, y2 = centre.x + NODE_W, centre.cy, node.x, node.cy
            label_y = y1 - 4
        # On the line, at the label's height (the middle of a side edge).
        label_x = (x1 + x2) // 2 if y1 == y2 else x1 + (x2 - x1) * (label_y - y1) // (y2 - y1)
        graph.edges.append(
            Edge(
                x1=x1,
                y1=y1,
                x2=x2,
                y2=y2,
                label=f"{relation_label(rel.relation)} · {established_label(rel.established_by)}",
                declared=rel.established_by == EstablishedBy.DECLARED,
                label_x=label_x,
                label_y=label_y,
            )
        )

    for generation in sorted(rows):
        row = rows[generation]
        for rel, x in zip(row, _row_positions(len(row), width), strict=True):
            add(rel, x, y(generation))
    for rel, x in zip(left, xs[: len(left)], strict=True):
        add(rel, x, y(0))
    for rel, x in zip(right, xs[len(left) + 1 :], strict=True):
        add(rel, x, y(0))
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
    return layout(display_name(person), relatives, rtl=get_language_bidi()), relatives
