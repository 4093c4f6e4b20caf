"""Whole-system capture in the VM: `cat /tmp/a > /tmp/b` ends up as a connected,
acyclic, complete PROV graph with no record lost."""
import json

import pytest
from prov.model import ProvDocument

import provgraph


@pytest.fixture(scope="module")
def cat_run(run_vm):
    run = run_vm("cat_copy.sh")
    assert run.returncode == 0, run.explain()
    assert run.text("workload.stdout") == "provenance end to end\n"
    return run


@pytest.fixture(scope="module")
def graph(cat_run):
    return provgraph.Graph.load(cat_run.out / "audit.log")


def test_no_record_was_dropped(cat_run):
    assert cat_run.text("dropped").strip() == "0"


def test_every_line_is_valid_prov_json(cat_run):
    lines = [line for line in cat_run.text("audit.log").splitlines() if line.strip()]
    assert len(lines) > 0
    for number, line in enumerate(lines, 1):
        document = ProvDocument.deserialize(content=line, format="json")
        assert document is not None, f"line {number} did not load"
        # the prov package silently merges duplicate keys: check there are none
        json.loads(line, object_pairs_hook=reject_duplicate_keys)


def reject_duplicate_keys(pairs):
    keys = [key for key, _ in pairs]
    duplicates = {key for key in keys if keys.count(key) > 1}
    assert not duplicates, f"duplicate keys {duplicates}"
    return dict(pairs)


def test_output_file_is_named_by_its_absolute_path(graph):
    assert graph.named("/tmp/b"), "no node named /tmp/b"
    assert graph.named("/tmp/a"), "no node named /tmp/a"


def test_cat_connects_b_back_to_a(graph):
    b_versions = graph.named("/tmp/b")
    a_versions = graph.named("/tmp/a")
    writes = [r for r in graph.relations if r.type == "write" and r.receiver in b_versions]
    reads = [r for r in graph.relations if r.type == "read" and r.sender in a_versions]
    assert writes, "no write edge into /tmp/b"
    assert reads, "no read edge out of /tmp/a"
    # one task read /tmp/a and wrote /tmp/b: that is cat
    writers = {r.attributes.get("cf:task_id") for r in writes}
    readers = {r.attributes.get("cf:task_id") for r in reads}
    assert writers & readers, f"no task both read /tmp/a ({readers}) and wrote /tmp/b ({writers})"
    for relation in writes:
        assert graph.nodes[relation.sender]["prov:type"] == "task"
    for relation in reads:
        assert graph.nodes[relation.receiver]["prov:type"] == "task"
    assert a_versions & graph.ancestors(b_versions), "/tmp/a is not an ancestor of /tmp/b"


def test_every_relation_endpoint_is_a_node(graph):
    dangling = graph.dangling()
    assert not dangling, f"{len(dangling)} relations with missing endpoints, e.g. {dangling[:3]}"


def test_graph_is_acyclic(graph):
    assert graph.find_cycle() is None


def test_summary_counts_records_per_type(cat_run, graph):
    summary = json.loads(cat_run.text("summary.json"))
    assert summary["node_count"] >= len(graph.nodes) > 0
    assert summary["relation_count"] == len(graph.relations)
    assert summary["relations"].get("read", 0) >= 1
    assert summary["relations"].get("write", 0) >= 1
    assert summary["dropped"] == 0
