"""Unit tests of packaging/vm/provgraph.py, the W3C log reader the VM suite relies on."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging" / "vm"))
import provgraph  # noqa: E402


def node(kind, ident, version=0, **extra):
    attributes = {"cf:id": str(ident), "prov:type": kind, "cf:boot_id": 1,
                  "cf:machine_id": "cf:7", "cf:version": version}
    attributes.update(extra)
    return attributes


def write_log(tmp_path, documents):
    log = tmp_path / "audit.log"
    log.write_text("".join(json.dumps(document) + "\n" for document in documents))
    return log


def cat_documents():
    """a -read-> task -memory_write-> proc ... task -write-> b, named by paths."""
    return [
        {"entity": {"cf:a": node("file", 10), "cf:pa": node("path", 90, **{"cf:pathname": "/tmp/a"}),
                    "cf:b": node("file", 11), "cf:pb": node("path", 91, **{"cf:pathname": "/tmp/b"}),
                    "cf:p": node("process_memory", 20, **{"cf:tgid": 42, "cf:name": "/bin/busybox"}),
                    "cf:argv": node("argv", 93, **{"cf:value": "cat"})},
         "activity": {"cf:t0": node("task", 30), "cf:t1": node("task", 30, 1)}},
        {"used": {"cf:r1": {"prov:type": "read", "prov:entity": "cf:a", "prov:activity": "cf:t0"},
                  "cf:r2": {"prov:type": "memory_read", "prov:entity": "cf:p", "prov:activity": "cf:t1"}},
         "wasGeneratedBy": {"cf:r3": {"prov:type": "memory_write", "prov:activity": "cf:t0", "prov:entity": "cf:p"},
                            "cf:r4": {"prov:type": "write", "prov:activity": "cf:t1", "prov:entity": "cf:b"}},
         "wasInformedBy": {"cf:r5": {"prov:type": "version_activity", "prov:informant": "cf:t0",
                                     "prov:informed": "cf:t1"}},
         "wasDerivedFrom": {"cf:r6": {"prov:type": "named", "prov:usedEntity": "cf:pa", "prov:generatedEntity": "cf:a"},
                            "cf:r7": {"prov:type": "named", "prov:usedEntity": "cf:pb", "prov:generatedEntity": "cf:b"},
                            "cf:r8": {"prov:type": "arg", "prov:usedEntity": "cf:argv", "prov:generatedEntity": "cf:p"}}},
    ]


def test_lineage_follows_read_and_write_through_the_process(tmp_path):
    graph = provgraph.Graph.load(write_log(tmp_path, cat_documents()))
    result = graph.lineage("/tmp/b")
    assert result["targets"] == {"cf:b"}
    assert result["files"] == {"/tmp/a"}
    assert result["processes"] == {("/bin/busybox", 42, "cat")}


def test_unknown_path_has_no_lineage(tmp_path):
    graph = provgraph.Graph.load(write_log(tmp_path, cat_documents()))
    assert graph.lineage("/tmp/zzz")["targets"] == set()


def test_acyclic_graph_has_no_cycle_and_no_dangling(tmp_path):
    graph = provgraph.Graph.load(write_log(tmp_path, cat_documents()))
    assert graph.find_cycle() is None
    assert graph.dangling() == []


def test_cycle_is_found(tmp_path):
    documents = cat_documents()
    documents[1]["used"]["cf:r9"] = {"prov:type": "read", "prov:entity": "cf:b", "prov:activity": "cf:t0"}
    cycle = provgraph.Graph.load(write_log(tmp_path, documents)).find_cycle()
    assert cycle is not None and cycle[0] == cycle[-1]
    assert "cf:b" in cycle and "cf:t0" in cycle


def test_dangling_endpoint_is_reported(tmp_path):
    documents = cat_documents()
    documents[1]["used"]["cf:r9"] = {"prov:type": "read", "prov:entity": "cf:ghost", "prov:activity": "cf:t0"}
    dangling = provgraph.Graph.load(write_log(tmp_path, documents)).dangling()
    assert [relation.id for relation in dangling] == ["cf:r9"]


def test_invalid_line_raises(tmp_path):
    log = tmp_path / "audit.log"
    log.write_text('{"entity": {}}\n{"entity": \n')
    with pytest.raises(ValueError):
        provgraph.Graph.load(log)


def test_command_line_check_exit_status(tmp_path, capsys):
    log = write_log(tmp_path, cat_documents())
    assert provgraph.main(["provgraph", str(log), "check"]) == 0
    assert "acyclic" in capsys.readouterr().out
    assert provgraph.main(["provgraph", str(log), "lineage", "/tmp/b"]) == 0
    assert "/tmp/a" in capsys.readouterr().out
