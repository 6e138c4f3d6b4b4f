from __future__ import annotations

from zhusan.registry.graph import (
    CENTRE_LABEL_MAX,
    LABEL_LINES,
    LABEL_MAX,
    NODE_H,
    NODE_W,
    Relative,
    label_lines,
    layout,
)


def rel(key, relation, established_by="document", visible=True):
    return Relative(
        key=key, relation=relation, established_by=established_by, visible=visible, label=key.title(), url=f"/p/{key}/"
    )


def by_key(graph):
    return {n.key: n for n in graph.nodes}


def test_a_person_alone_is_one_node_and_no_edge():
    graph = layout("Aisha", [])
    assert [n.kind for n in graph.nodes] == ["self"]
    assert graph.edges == []
    assert graph.width >= NODE_W and graph.height >= NODE_H


def test_parents_sit_above_children_below_and_siblings_beside():
    graph = layout(
        "Aisha",
        [rel("mum", "mother"), rel("dad", "father"), rel("kid", "child"), rel("sis", "sibling"), rel("wife", "spouse")],
    )
    nodes = by_key(graph)
    centre = graph.centre
    assert nodes["mum"].y < centre.y and nodes["dad"].y < centre.y
    assert nodes["kid"].y > centre.y
    assert nodes["sis"].y == centre.y == nodes["wife"].y
    assert {nodes["sis"].x < centre.x, nodes["wife"].x < centre.x} == {True, False}
    assert len(graph.edges) == 5


def test_nodes_never_overlap_and_stay_inside_the_drawing():
    relatives = [rel(f"c{i}", "child") for i in range(6)] + [rel("m", "mother"), rel("o", "other")]
    graph = layout("Aisha", relatives)
    for a in graph.nodes:
        assert 0 <= a.x and a.x + NODE_W <= graph.width
        assert 0 <= a.y and a.y + NODE_H <= graph.height
        for b in graph.nodes:
            if a is not b and a.y == b.y:
                assert abs(a.x - b.x) >= NODE_W


def test_a_relative_out_of_scope_is_a_neutral_node_without_name_or_link():
    graph = layout("Aisha", [rel("secret", "mother", visible=False)])
    node = by_key(graph)["secret"]
    assert node.kind == "hidden"
    assert node.url == ""
    assert "Secret" not in node.label


def test_declared_edges_are_dashed_and_established_ones_solid():
    graph = layout("Aisha", [rel("a", "mother", "declared"), rel("b", "child", "dna_kinship")])
    declared = {e.label: e.declared for e in graph.edges}
    assert declared == {"Mother · Declared": True, "Child · DNA kinship outcome": False}


def test_edges_join_the_relative_to_the_centre():
    graph = layout("Aisha", [rel("mum", "mother")])
    mum, centre, edge = by_key(graph)["mum"], graph.centre, graph.edges[0]
    assert (edge.x1, edge.y1) == (mum.cx, mum.y + NODE_H)
    assert (edge.x2, edge.y2) == (centre.cx, centre.y)


def test_a_long_name_is_wrapped_inside_its_box_and_kept_whole_for_its_title():
    name = "Umm Zayd al-Kazakhiya bint Abd al-Rahman ibn Yusuf"
    graph = layout(name, [Relative("k", "mother", "declared", True, label=name, url="/p/k/")])
    for node in graph.nodes:
        assert node.label == name  # the full name, for the <title>
        assert 1 < len(node.lines) <= LABEL_LINES
        limit = CENTRE_LABEL_MAX if node.kind == "self" else LABEL_MAX
        assert all(len(line) <= limit for line in node.lines)
        assert node.lines[-1].endswith("…") and node.shortened
        assert all(node.y < line_y <= node.y + NODE_H for line_y, _line in node.text_lines)


def test_a_name_that_fits_is_one_line_and_not_marked_shortened():
    (node,) = [n for n in layout("Aisha", [rel("mum", "mother")]).nodes if n.key == "mum"]
    assert node.lines == ("Mum",) and not node.shortened


def test_a_single_word_longer_than_a_line_is_cut_with_an_ellipsis():
    assert label_lines("A" * 60) == ("A" * (LABEL_MAX - 1) + "…",)


def test_grandparents_sit_above_parents_and_grandchildren_below_children():
    graph = layout(
        "Aisha",
        [rel("gran", "grandparent"), rel("mum", "mother"), rel("kid", "child"), rel("grandkid", "grandchild")],
    )
    nodes = by_key(graph)
    assert nodes["gran"].y < nodes["mum"].y < graph.centre.y < nodes["kid"].y < nodes["grandkid"].y
    for a in graph.nodes:
        assert 0 <= a.y and a.y + NODE_H <= graph.height
    # Each edge's label sits in the gap next to its relative, clear of every box.
    for edge in graph.edges:
        assert not any(n.y <= edge.label_y <= n.y + NODE_H for n in graph.nodes if n.x <= edge.label_x <= n.x + NODE_W)


def test_without_grandparents_the_drawing_starts_at_the_parents():
    with_parents = layout("Aisha", [rel("mum", "mother")])
    with_grandparents = layout("Aisha", [rel("mum", "mother"), rel("gran", "grandparent")])
    assert by_key(with_parents)["mum"].y == by_key(with_grandparents)["gran"].y
    assert with_grandparents.height > with_parents.height


def test_right_to_left_mirrors_the_drawing():
    relatives = [rel("sis", "sibling"), rel("wife", "spouse"), rel("kid", "child"), rel("kid2", "child")]
    ltr, rtl = layout("Aisha", relatives), layout("Aisha", relatives, rtl=True)
    assert ltr.width == rtl.width
    for a, b in zip(ltr.nodes, rtl.nodes, strict=True):
        assert a.key == b.key and a.y == b.y
        assert b.x == ltr.width - a.x - NODE_W
    assert by_key(rtl)["kid"].x > by_key(rtl)["kid2"].x  # the first child on the right
    for a, b in zip(ltr.edges, rtl.edges, strict=True):
        assert {b.x1, b.x2} == {ltr.width - a.x1, ltr.width - a.x2}  # the same line, drawn from its left end
        assert abs(b.label_x - (ltr.width - a.label_x)) <= 1


def test_the_layout_is_deterministic():
    relatives = [rel("a", "mother"), rel("b", "sibling"), rel("c", "grandchild")]
    assert layout("X", relatives) == layout("X", relatives)


def test_the_drawing_shows_the_wrapped_lines_and_the_full_name_on_hover():
    from django.template.loader import render_to_string

    name = "Umm Zayd al-Kazakhiya bint Abd al-Rahman ibn Yusuf"
    graph = layout("Aisha", [Relative("k", "mother", "declared", True, label=name, url="/p/k/")])

    svg = render_to_string("includes/family_graph.html", {"graph": graph})

    assert f"<title>{name}</title>" in svg
    node = by_key(graph)["k"]
    for line_y, line in node.text_lines:
        assert f'y="{line_y}">{line}</tspan>' in svg


def test_a_small_family_is_drawn_at_least_four_boxes_wide_so_the_page_does_not_blow_it_up():
    assert layout("Aisha", []).width >= 4 * NODE_W
