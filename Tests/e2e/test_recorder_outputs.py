"""The recorder's other outputs in the VM, checked record for record against the
kernel's own count of the records it sent (securityfs `sent`, read after capture
was switched off, so it is final before the recorder stops):

- SPADE JSON through a FIFO read by `cat`;
- W3C PROV-JSON over MQTT (QoS 2) to a mosquitto broker in the guest, payloads
  base64(zlib(document)) on the topic prefix + machine id.
"""
import base64
import json
import shutil
import sys
import zlib
from pathlib import Path

import pytest

from conftest import TOP, WORKLOADS

CONFIGS = Path(__file__).resolve().parent / "configs"
sys.path.insert(0, str(TOP / "Tests" / "tools"))

W3C_NODE_SECTIONS = ("activity", "agent", "entity")
W3C_RELATION_SECTIONS = ("used", "wasGeneratedBy", "wasInformedBy", "wasAssociatedWith",
                         "wasInfluencedBy", "wasDerivedFrom")


def vm_args(setup: str, ini: str, *more: str) -> list:
    return ["--setup-script", str(WORKLOADS / setup),
            "--after-script", str(WORKLOADS / "recorder_wait_reader.sh"),
            "--camflowd-ini", str(CONFIGS / ini), *more]


def kernel_count(run, name: str) -> int:
    text = run.text(name).strip()
    assert text.isdigit(), f"no kernel {name} count: {text!r}"
    return int(text)


def kernel_elements(run) -> int:
    """Elements the kernel's records stand for: every record, and the
    version relation each version link carries (docs/abi.md)."""
    links = kernel_count(run, "links")
    assert links > 0, "no version link: the workload made no new version"
    return kernel_count(run, "sent") + links


@pytest.fixture(scope="module")
def spade_run(run_vm):
    run = run_vm("recorder_outputs.sh", *vm_args("recorder_fifo_setup.sh", "camflowd-spade-fifo.ini"))
    assert run.returncode == 0, run.explain()
    assert run.text("workload.stdout") == "THROUGH THE RECORDER!\n"
    return run


@pytest.fixture(scope="module")
def mqtt_run(run_vm):
    missing = [p for p in ("mosquitto", "mosquitto_sub", "mosquitto_pub") if not shutil.which(p)]
    assert not missing, f"missing host programs {missing} (make deps installs mosquitto)"
    run = run_vm("recorder_outputs.sh",
                 *vm_args("recorder_mqtt_setup.sh", "camflowd-w3c-mqtt.ini",
                          "--bin", shutil.which("mosquitto"), "--bin", shutil.which("mosquitto_sub"),
                          "--bin", shutil.which("mosquitto_pub")))
    assert run.returncode == 0, run.explain()
    return run


def test_spade_over_fifo_holds_every_record_the_kernel_sent(spade_run):
    # the FIFO framing ends every chunk with a NUL (as the original)
    text = spade_run.text("spade.log")
    assert text.count("\0") > 0, "no chunk terminator"
    lines = [line for line in text.replace("\0", "").split("\n") if line]
    assert spade_run.text("dropped").strip() == "0"
    assert len(lines) == kernel_elements(spade_run), "SPADE lines differ from the elements the kernel sent"


def test_spade_over_fifo_is_read_by_the_spade_reader(spade_run):
    import spade_reader
    graph = spade_reader.read(spade_run.text("spade.log"))
    assert graph.warnings == [], graph.warnings[:5]
    assert spade_reader.camflow_consistency(graph) == []
    # WasInfluencedBy (module loads...) is the only type the reporter drops
    assert set(graph.dropped) <= {"WasInfluencedBy"}, graph.dropped
    names = {v.annotations.get("pathname") for v in graph.vertices.values()}
    assert {"/tmp/a", "/tmp/b", "/tmp/c"} <= names
    # a read edge goes from the reading task (child) to the file (parent)
    reads = [e for e in graph.edges if e.annotations.get("relation_type") == "read"]
    assert reads and all(graph.vertices[e.child].type == "Activity" for e in reads)
    assert all(graph.vertices[e.parent].type == "Entity" for e in reads)


def mqtt_documents(run):
    topics, documents = set(), []
    for line in run.text("mqtt.txt").splitlines():
        if not line.strip():
            continue
        topic, _, payload = line.partition(" ")
        topics.add(topic)
        documents.append(json.loads(zlib.decompress(base64.b64decode(payload, validate=True))))
    return topics, documents


def test_mqtt_delivers_every_record_the_kernel_sent(mqtt_run):
    topics, documents = mqtt_documents(mqtt_run)
    assert documents, "no MQTT message received"
    elements = sum(len(doc.get(section, {}))
                   for doc in documents for section in W3C_NODE_SECTIONS + W3C_RELATION_SECTIONS)
    assert mqtt_run.text("dropped").strip() == "0"
    assert elements == kernel_elements(mqtt_run), "W3C elements over MQTT differ from the elements the kernel sent"


def test_mqtt_topic_is_prefix_and_machine_id(mqtt_run):
    topics, documents = mqtt_documents(mqtt_run)
    machines = {node["cf:machine_id"] for doc in documents
                for section in W3C_NODE_SECTIONS for node in doc.get(section, {}).values()
                if "cf:machine_id" in node}
    assert len(machines) == 1, machines
    machine = machines.pop().removeprefix("cf:")
    assert topics == {f"camflow/provenance/{machine}"}
