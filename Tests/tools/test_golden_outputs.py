"""The golden outputs of the Swift serializers (Tests/Fixtures/w3c, Tests/Fixtures/spade,
written by Tests/SerializeTests) read by external readers: every W3C line loads with the
Python prov package, every SPADE line is accepted by spade_reader (SPADE's CamFlow
reporter rules), and both formats carry the same records."""
import json
import sys
from pathlib import Path

import pytest
from prov.model import ProvDocument

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spade_reader  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "Fixtures"
W3C_FILES = sorted((FIXTURES / "w3c").glob("*.json")) + [FIXTURES / "w3c" / "kernel.log"]
SPADE_FILES = sorted((FIXTURES / "spade").glob("*.json")) + [FIXTURES / "spade" / "kernel.log"]
W3C_SECTIONS = ("activity", "agent", "entity", "used", "wasGeneratedBy", "wasInformedBy",
                "wasAssociatedWith", "wasInfluencedBy", "wasDerivedFrom")


def w3c_lines(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", f"{path}: no newline at the end"
    return lines[:-1]


def test_golden_sets_match():
    assert len(W3C_FILES) >= 19
    assert {p.name for p in W3C_FILES} == {p.name for p in SPADE_FILES}


@pytest.mark.parametrize("path", W3C_FILES, ids=lambda p: p.name)
def test_every_w3c_line_loads_with_prov(path):
    for number, line in enumerate(w3c_lines(path), 1):
        document = ProvDocument.deserialize(content=line, format="json")
        elements = sum(len(v) for k, v in json.loads(line).items() if k in W3C_SECTIONS)
        assert elements >= 1, f"{path}:{number}: empty document"
        assert len(document.records) == elements, f"{path}:{number}: prov read {len(document.records)} of {elements}"


@pytest.mark.parametrize("path", SPADE_FILES, ids=lambda p: p.name)
def test_every_spade_line_is_accepted(path):
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    graph = spade_reader.read(text)
    assert graph.objects == text.count("\n"), f"{path}: not one object per line"
    # SPADE drops WasInfluencedBy (load_module, firmware...) with a warning; nothing else.
    assert set(graph.dropped) <= {"WasInfluencedBy"}, graph.warnings
    assert all("WasInfluencedBy" in w for w in graph.warnings), graph.warnings
    assert spade_reader.camflow_consistency(graph) == []


def test_per_kind_spade_goldens_form_a_connected_graph():
    """The sample read relation links the sample task and file: fed together, the edge completes."""
    text = "".join(p.read_text(encoding="utf-8") for p in SPADE_FILES if p.suffix == ".json")
    graph = spade_reader.read(text)
    assert graph.pending == []
    assert [(e.type, graph.vertices[e.child].annotations["object_type"],
             graph.vertices[e.parent].annotations["object_type"]) for e in graph.edges] == [("Used", "task", "file")]
    assert spade_reader.camflow_consistency(graph) == []


def test_both_formats_carry_the_same_kernel_records():
    """kernel.log holds one record per line in both formats: same ids, same types, in order."""
    w3c = []
    for line in w3c_lines(FIXTURES / "w3c" / "kernel.log"):
        document = json.loads(line)
        for section in W3C_SECTIONS:
            for key, attributes in document.get(section, {}).items():
                w3c.append((key[3:], attributes.get("prov:type")))
    spade = []
    for _, obj in spade_reader.iter_objects((FIXTURES / "spade" / "kernel.log").read_text(encoding="utf-8")):
        a = obj["annotations"]
        spade.append((obj.get("id", a.get("id")), a.get("object_type", a.get("relation_type"))))
    assert len(w3c) > 20
    assert w3c == spade
