#!/usr/bin/env python3
"""Load a W3C PROV-JSON log written by `camflow record` and query it.

The log holds one PROV-JSON document per line.  Relations point at nodes
by id ("cf:<base64>"); information flows from the sender role to the
receiver role of each relation section.  Used by the VM end-to-end tests
and by `make demo`.

usage: provgraph.py LOG lineage PATH     files and processes PATH derives from
       provgraph.py LOG check            acyclic? dangling relation endpoints?
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field

NODE_SECTIONS = ("activity", "agent", "entity")
# section -> (sender role, receiver role), in the direction of the flow
RELATION_ROLES = {
    "used": ("prov:entity", "prov:activity"),
    "wasGeneratedBy": ("prov:activity", "prov:entity"),
    "wasInformedBy": ("prov:informant", "prov:informed"),
    "wasInfluencedBy": ("prov:influencer", "prov:influencee"),
    "wasAssociatedWith": ("prov:agent", "prov:activity"),
    "wasDerivedFrom": ("prov:usedEntity", "prov:generatedEntity"),
}
FILE_TYPES = {"file", "link", "pipe", "socket", "char", "block", "directory",
              "inode_unknown"}


@dataclass
class Relation:
    id: str
    type: str
    sender: str
    receiver: str
    attributes: dict


@dataclass
class Graph:
    nodes: dict = field(default_factory=dict)
    relations: list = field(default_factory=list)
    outgoing: dict = field(default_factory=lambda: defaultdict(list))
    incoming: dict = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, path) -> "Graph":
        graph = cls()
        with open(path, "rb") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    graph.add_document(json.loads(line), number)
        return graph

    def add_document(self, document: dict, number: int = 0) -> None:
        for section in NODE_SECTIONS:
            for node_id, attributes in document.get(section, {}).items():
                self.nodes.setdefault(node_id, attributes)
        for section, (sender_role, receiver_role) in RELATION_ROLES.items():
            for relation_id, attributes in document.get(section, {}).items():
                relation = Relation(relation_id, attributes.get("prov:type", "?"),
                                    attributes[sender_role], attributes[receiver_role],
                                    attributes)
                self.relations.append(relation)
                self.outgoing[relation.sender].append(relation)
                self.incoming[relation.receiver].append(relation)

    # --- identity -------------------------------------------------------
    def object_key(self, node_id: str):
        """Identity shared by all versions of one kernel object."""
        node = self.nodes.get(node_id, {})
        return (node.get("prov:type"), node.get("cf:id"), node.get("cf:boot_id"),
                node.get("cf:machine_id"))

    def versions(self, node_id: str) -> set:
        return set(self._versions_by_key().get(self.object_key(node_id), ()))

    def names(self, node_id: str) -> set:
        """Path names of a node: its cf:name and the paths naming it."""
        found = set()
        node = self.nodes.get(node_id, {})
        if "cf:name" in node:
            found.add(node["cf:name"])
        for relation in self.incoming.get(node_id, []):
            if relation.type == "named":
                path = self.nodes.get(relation.sender, {})
                if "cf:pathname" in path:
                    found.add(path["cf:pathname"])
        return found

    def programs(self, node_id: str) -> set:
        """Programs a task or process_memory object ran, from the kernel's
        `named` relations into its process memory.  Unlike cf:name, which
        the recorder adds when it has already seen the path record (best
        effort: the path may come through another CPU's relay file later),
        this does not depend on the order the records were read in.  A task
        is linked to its own memory by memory_read and memory_write."""
        memories = set()
        for version in self.versions(node_id):
            kind = self.nodes.get(version, {}).get("prov:type")
            if kind == "process_memory":
                memories.add(version)
            elif kind == "task":
                memories |= {r.sender for r in self.incoming.get(version, [])
                             if r.type == "memory_read"}
                memories |= {r.receiver for r in self.outgoing.get(version, [])
                             if r.type == "memory_write"}
        found = set()
        for memory in {self.object_key(m) for m in memories}:
            for version in self._versions_by_key().get(memory, ()):
                for relation in self.incoming.get(version, []):
                    path = self.nodes.get(relation.sender, {})
                    if relation.type == "named" and "cf:pathname" in path:
                        found.add(path["cf:pathname"])
        return found

    def _versions_by_key(self) -> dict:
        if getattr(self, "_by_key_count", -1) != len(self.nodes):
            by_key = defaultdict(set)
            for other in self.nodes:
                by_key[self.object_key(other)].add(other)
            self._by_key, self._by_key_count = by_key, len(self.nodes)
        return self._by_key

    def named(self, pathname: str) -> set:
        """Every version of every object named pathname."""
        objects = set()
        for node_id, node in self.nodes.items():
            if node.get("prov:type") == "path" and node.get("cf:pathname") == pathname:
                for relation in self.outgoing.get(node_id, []):
                    if relation.type == "named":
                        objects |= self.versions(relation.receiver)
        for node_id, node in self.nodes.items():
            if node.get("cf:name") == pathname and node.get("prov:type") in FILE_TYPES:
                objects |= self.versions(node_id)
        return objects

    # --- structure ------------------------------------------------------
    def ancestors(self, start: set, skip_types=("named",)) -> set:
        """Nodes from which information flows into any node of start."""
        seen, stack = set(), list(start)
        while stack:
            node_id = stack.pop()
            for relation in self.incoming.get(node_id, []):
                if relation.type in skip_types or relation.sender in seen:
                    continue
                seen.add(relation.sender)
                stack.append(relation.sender)
        return seen

    def dangling(self) -> list:
        """Relations with an endpoint that never appears as a node."""
        return [relation for relation in self.relations
                if relation.sender not in self.nodes or relation.receiver not in self.nodes]

    def find_cycle(self):
        """A list of node ids forming a cycle, or None if the graph is acyclic."""
        white, grey, black = 0, 1, 2
        colour = defaultdict(int)
        for root in list(self.outgoing):
            if colour[root] != white:
                continue
            stack = [(root, iter(self.outgoing[root]))]
            path = [root]
            colour[root] = grey
            while stack:
                node_id, children = stack[-1]
                relation = next(children, None)
                if relation is None:
                    colour[node_id] = black
                    stack.pop()
                    path.pop()
                    continue
                child = relation.receiver
                if colour[child] == grey:
                    return path[path.index(child):] + [child]
                if colour[child] == white:
                    colour[child] = grey
                    stack.append((child, iter(self.outgoing.get(child, []))))
                    path.append(child)
        return None

    # --- lineage --------------------------------------------------------
    def lineage(self, pathname: str) -> dict:
        """Files, directories and processes the object named pathname derives from."""
        targets = self.named(pathname)
        files, directories, processes = set(), set(), {}
        for node_id in self.ancestors(targets):
            node = self.nodes.get(node_id, {})
            kind = node.get("prov:type")
            if kind in FILE_TYPES:
                names = self.names(node_id) - {pathname}
                (directories if kind == "directory" else files).update(names)
            elif kind == "process_memory":
                key = self.object_key(node_id)
                if key in processes:
                    continue
                versions = self.versions(node_id)
                # a new process's first version is written before it runs
                tgid = max((self.nodes[v].get("cf:tgid") or 0 for v in versions), default=0)
                name = ", ".join(sorted(set().union(*(self.names(v) for v in versions)))) or "?"
                processes[key] = (name, tgid, self.arguments(node_id))
        return {"targets": targets, "files": files, "directories": directories,
                "processes": set(processes.values())}

    def arguments(self, node_id: str) -> str:
        """The command line of the process that owns a process_memory node."""
        values = []
        for version in self.versions(node_id):
            for relation in self.incoming.get(version, []):
                if relation.type == "arg":
                    node = self.nodes.get(relation.sender, {})
                    # arguments are recorded in order: sort by relation id
                    values.append((int(relation.attributes.get("cf:id", 0)), node.get("cf:value", "")))
        return " ".join(value for _, value in sorted(values))


def main(argv: list) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    graph = Graph.load(argv[1])
    if argv[2] == "lineage" and len(argv) == 4:
        result = graph.lineage(argv[3])
        if not result["targets"]:
            print(f"no node named {argv[3]} in {argv[1]}", file=sys.stderr)
            return 1
        print(f"lineage of {argv[3]} ({len(result['targets'])} versions):")
        print("  derives from files:")
        for name in sorted(result["files"]) or ["(none)"]:
            print(f"    {name}")
        print(f"  looked up through directories: {', '.join(sorted(result['directories'])) or '(none)'}")
        print("  through processes (program, pid, command line):")
        for name, tgid, args in sorted(result["processes"], key=str) or [("(none)", "", "")]:
            print(f"    {name} pid {tgid}: {args or '(no exec recorded)'}")
        return 0
    if argv[2] == "check":
        cycle = graph.find_cycle()
        dangling = graph.dangling()
        print(f"{len(graph.nodes)} nodes, {len(graph.relations)} relations, "
              f"{'acyclic' if cycle is None else 'CYCLE: ' + ' -> '.join(cycle)}, "
              f"{len(dangling)} dangling relations")
        return 0 if cycle is None and not dangling else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
