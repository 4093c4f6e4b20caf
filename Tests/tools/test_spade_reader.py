"""Unit tests of Tests/tools/spade_reader.py, the reader following SPADE's CamFlow reporter rules."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spade_reader  # noqa: E402


def vertex(kind, ident, object_type="file", **extra):
    annotations = {"object_id": "1", "object_type": object_type, "boot_id": 1}
    annotations.update(extra)
    return {"type": kind, "id": ident, "annotations": annotations}


def edge(kind, child, parent, child_type="task", parent_type="file"):
    return {"type": kind, "from": child, "to": parent,
            "annotations": {"id": f"{child}<-{parent}", "relation_type": "read",
                            "from_type": child_type, "to_type": parent_type}}


def stream(*objects, separator="\n"):
    return separator.join(json.dumps(o) for o in objects) + "\n"


def test_vertices_and_edges_are_read_in_any_framing():
    objects = [vertex("Activity", "T", "task"), vertex("Entity", "F"), edge("Used", "T", "F")]
    for text in (stream(*objects), stream(*objects, separator=" , "), "[" + stream(*objects, separator=",") + "]"):
        graph = spade_reader.read(text)
        assert graph.objects == 3
        assert set(graph.vertices) == {"T", "F"}
        assert [(e.child, e.parent) for e in graph.edges] == [("T", "F")]
        assert graph.warnings == [] and graph.pending == []
        assert spade_reader.camflow_consistency(graph) == []


def test_numbers_in_annotations_are_read_as_text():
    graph = spade_reader.read(stream(vertex("Entity", "F", boot_id=3, ino=18446744073709551614)))
    assert graph.vertices["F"].annotations["ino"] == "18446744073709551614"
    assert graph.vertices["F"].annotations["boot_id"] == "3"


def test_edge_before_its_vertices_waits_for_them():
    graph = spade_reader.read(stream(edge("Used", "T", "F"), vertex("Entity", "F"), vertex("Activity", "T", "task")))
    assert len(graph.edges) == 1 and graph.pending == []


def test_edge_whose_vertex_never_arrives_is_pending():
    graph = spade_reader.read(stream(vertex("Activity", "T", "task"), edge("Used", "T", "missing")))
    assert graph.edges == []
    assert [(e.child, e.parent) for e in graph.pending] == [("T", "missing")]


def test_unknown_types_are_dropped_with_a_warning():
    text = stream(vertex("Activity", "A", "task"), vertex("Activity", "B", "task"),
                  edge("WasInfluencedBy", "A", "B"), {"type": "Bogus", "id": "x"}, {"id": "no type"})
    graph = spade_reader.read(text)
    assert graph.dropped == {"WasInfluencedBy": 1, "Bogus": 1, "<no type>": 1}
    assert graph.edges == []
    assert len(graph.warnings) == 3
    assert "WasInfluencedBy" in graph.warnings[0]


def test_vertex_without_id_and_edge_without_endpoints_are_dropped():
    graph = spade_reader.read(stream({"type": "Entity", "annotations": {}}, {"type": "Used", "from": "a"}))
    assert graph.dropped == {"Entity": 1, "Used": 1}
    assert graph.vertices == {} and graph.edges == [] and graph.pending == []


def test_nested_annotation_is_reported():
    graph = spade_reader.read(stream(vertex("Entity", "F", address={"type": "AF_INET"})))
    assert "F" in graph.vertices
    assert "address" not in graph.vertices["F"].annotations
    assert any("'address'" in w for w in graph.warnings)


def test_invalid_json_names_the_line():
    with pytest.raises(spade_reader.SpadeFormatError, match="line 2"):
        spade_reader.read(stream(vertex("Entity", "F")) + '{"type":"Entity","id":"G","annotations": {"x":"a"b"}}\n')


def test_type_mismatch_between_edge_and_vertex_is_reported():
    graph = spade_reader.read(stream(vertex("Activity", "T", "task"), vertex("Entity", "F", "directory"),
                                     edge("Used", "T", "F")))
    problems = spade_reader.camflow_consistency(graph)
    assert len(problems) == 1 and "to_type 'file'" in problems[0]


def test_command_line(tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(stream(vertex("Activity", "T", "task"), vertex("Entity", "F"), edge("Used", "T", "F")))
    assert spade_reader.main(["spade_reader", str(good), "--strict"]) == 0
    assert "3 objects" in capsys.readouterr().out
    pending = tmp_path / "pending.json"
    pending.write_text(stream(edge("Used", "T", "F")))
    assert spade_reader.main(["spade_reader", str(pending)]) == 0
    assert spade_reader.main(["spade_reader", str(pending), "--strict"]) == 1
    broken = tmp_path / "broken.json"
    broken.write_text('{"type": ')
    assert spade_reader.main(["spade_reader", str(broken)]) == 1
    assert "broken.json" in capsys.readouterr().err
    assert spade_reader.main(["spade_reader", str(tmp_path / "absent.json")]) == 1
