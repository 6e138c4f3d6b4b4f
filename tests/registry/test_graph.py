from __future__ import annotations

from zhusan.registry.graph import NODE_H, NODE_W, Relative, layout


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


def test_long_names_are_shortened():
    graph = layout("A" * 60, [])
    assert len(graph.centre.label) <= 22


def test_the_layout_is_deterministic():
    relatives = [rel("a", "mother"), rel("b", "sibling"), rel("c", "grandchild")]
    assert layout("X", relatives) == layout("X", relatives)
