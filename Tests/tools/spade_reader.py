#!/usr/bin/env python3
"""Read a SPADE JSON stream (camflow record, format=spade_json) the way SPADE's
CamFlow reporter does, and report what it would accept, drop or leave pending.

Rules followed (SPADE reporter.CamFlow on top of reporter.JSON; see
docs/output-formats.md and the anchors notes on downstream consumers):

* The input is a stream of bare JSON objects. Between objects the tokenizer
  skips to the next '{', so whitespace, newlines, commas or an enclosing array
  do not matter. A syntax error inside an object is fatal (SpadeFormatError).
* Every object needs a string "type". Vertex types: Activity, Entity, Agent,
  Process, Artifact, Vertex and the CDM Event, Object, Principal, Subject. Edge
  types: Used, WasGeneratedBy, WasInformedBy, WasDerivedFrom,
  WasAssociatedWith, WasAttributedTo, ActedOnBehalfOf, WasTriggeredBy,
  WasControlledBy, SimpleEdge, Edge. Any other type (including
  WasInfluencedBy, which CamFlow emits for load_module, firmware, kexec, policy
  and certificate relations) is dropped with a warning.
* A vertex needs "id"; an edge needs "from" (the child: effect, receiver) and
  "to" (the parent: cause, sender). Ids are compared as strings.
* "annotations" is an object of flat values (strings, or numbers that are read
  as their text); a nested object, array, boolean or null is reported.
* An edge whose endpoints have not both been seen yet is buffered and
  delivered when the missing vertex arrives (the CamFlow reporter's
  behaviour); edges still incomplete at the end are reported as pending.

Command line: spade_reader.py FILE [--strict]
prints a summary; exits 1 on a syntax error, and with --strict also on any
warning or pending edge.
"""
import json
import sys
from collections import Counter
from dataclasses import dataclass, field

VERTEX_TYPES = frozenset({"Activity", "Entity", "Agent", "Process", "Artifact", "Vertex",
                          "Event", "Object", "Principal", "Subject"})
EDGE_TYPES = frozenset({"Used", "WasGeneratedBy", "WasInformedBy", "WasDerivedFrom",
                        "WasAssociatedWith", "WasAttributedTo", "ActedOnBehalfOf",
                        "WasTriggeredBy", "WasControlledBy", "SimpleEdge", "Edge"})


class SpadeFormatError(ValueError):
    """The stream is not a sequence of JSON objects."""


@dataclass
class Vertex:
    type: str
    id: str
    annotations: dict


@dataclass
class Edge:
    type: str
    child: str    # "from": the effect (receiver of the information flow)
    parent: str   # "to": the cause (sender)
    annotations: dict


@dataclass
class SpadeGraph:
    """What the reporter would hand to SPADE's storage, and what it complained about."""
    vertices: dict = field(default_factory=dict)     # id -> Vertex (last one seen)
    vertex_count: int = 0                            # vertex objects accepted
    edges: list = field(default_factory=list)        # completed edges, in delivery order
    pending: list = field(default_factory=list)      # edges whose endpoints never all arrived
    dropped: Counter = field(default_factory=Counter)  # dropped objects by type
    warnings: list = field(default_factory=list)
    objects: int = 0                                 # JSON objects read

    def summary(self):
        return (f"{self.objects} objects: {self.vertex_count} vertices ({len(self.vertices)} distinct), "
                f"{len(self.edges)} edges, {len(self.pending)} pending edges, "
                f"dropped {dict(self.dropped)}, {len(self.warnings)} warnings")


def iter_objects(text):
    """Yields (offset, object) for each JSON object of `text`, skipping to the
    next '{' between objects like SPADE's tokenizer."""
    decoder = json.JSONDecoder()
    i, n = 0, len(text)
    while True:
        i = text.find("{", i)
        if i < 0:
            return
        try:
            value, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as error:
            line = text.count("\n", 0, error.pos) + 1
            raise SpadeFormatError(f"line {line}: invalid JSON object: {error.msg}") from None
        yield i, value
        i = end
        if i >= n:
            return


def _flat_annotations(obj, where, warnings):
    annotations = obj.get("annotations", {})
    if not isinstance(annotations, dict):
        warnings.append(f"{where}: annotations is not an object")
        return {}
    flat = {}
    for key, value in annotations.items():
        if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
            warnings.append(f"{where}: annotation {key!r} is not a flat value: {value!r}")
            continue
        flat[key] = value if isinstance(value, str) else json.dumps(value)
    return flat


def _id(obj, key):
    value = obj.get(key)
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return value if isinstance(value, str) else json.dumps(value)


def read(text):
    """Reads a whole SPADE JSON stream (str) into a SpadeGraph."""
    graph = SpadeGraph()
    waiting = {}  # vertex id -> edges waiting for it
    for offset, obj in iter_objects(text):
        graph.objects += 1
        where = f"object at line {text.count(chr(10), 0, offset) + 1}"
        if not isinstance(obj, dict):
            graph.warnings.append(f"{where}: not an object")
            continue
        kind = obj.get("type")
        if not isinstance(kind, str):
            graph.dropped["<no type>"] += 1
            graph.warnings.append(f"{where}: missing type, ignored")
            continue
        if kind in VERTEX_TYPES:
            ident = _id(obj, "id")
            if ident is None:
                graph.dropped[kind] += 1
                graph.warnings.append(f"{where}: {kind} without id, ignored")
                continue
            graph.vertices[ident] = Vertex(kind, ident, _flat_annotations(obj, where, graph.warnings))
            graph.vertex_count += 1
            for edge in waiting.pop(ident, []):
                _deliver(graph, edge, waiting)
        elif kind in EDGE_TYPES:
            child, parent = _id(obj, "from"), _id(obj, "to")
            if child is None or parent is None:
                graph.dropped[kind] += 1
                graph.warnings.append(f"{where}: {kind} without from/to, ignored")
                continue
            _deliver(graph, Edge(kind, child, parent, _flat_annotations(obj, where, graph.warnings)), waiting)
        else:
            graph.dropped[kind] += 1
            graph.warnings.append(f"{where}: unknown type {kind!r}, ignored")
    # An edge waits on one missing endpoint at a time, so it is listed once.
    graph.pending = [edge for edges in waiting.values() for edge in edges]
    return graph


def _deliver(graph, edge, waiting):
    """Completes `edge` if both endpoints are known, else waits for the first missing one."""
    for end in (edge.child, edge.parent):
        if end not in graph.vertices:
            waiting.setdefault(end, []).append(edge)
            return
    graph.edges.append(edge)


def camflow_consistency(graph):
    """CamFlow-specific checks on what was read: every vertex has object_type;
    every completed edge has relation_type, and its from_type/to_type name the
    object_type of its endpoints. Returns a list of problems."""
    problems = []
    for vertex in graph.vertices.values():
        if "object_type" not in vertex.annotations:
            problems.append(f"vertex {vertex.id}: no object_type")
    for edge in graph.edges:
        a = edge.annotations
        if "relation_type" not in a:
            problems.append(f"edge {a.get('id')}: no relation_type")
        for end, key in ((edge.child, "from_type"), (edge.parent, "to_type")):
            expected = graph.vertices[end].annotations.get("object_type")
            if a.get(key) != expected:
                problems.append(f"edge {a.get('id')}: {key} {a.get(key)!r} but vertex {end} is {expected!r}")
    return problems


def main(argv):
    args = [a for a in argv[1:] if a != "--strict"]
    strict = "--strict" in argv[1:]
    if len(args) != 1:
        print("usage: spade_reader.py FILE [--strict]", file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8") as f:
            graph = read(f.read())
    except (OSError, UnicodeDecodeError, SpadeFormatError) as error:
        print(f"spade_reader: {args[0]}: {error}", file=sys.stderr)
        return 1
    print(graph.summary())
    problems = graph.warnings + camflow_consistency(graph)
    for problem in problems[:20]:
        print(f"  {problem}")
    if strict and (problems or graph.pending):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
