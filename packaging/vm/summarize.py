#!/usr/bin/env python3
"""Summarise a VM run: elements per type in the W3C log, and the drop count.

usage: summarize.py OUTDIR    (reads OUTDIR/audit.log and OUTDIR/dropped,
writes OUTDIR/summary.json and OUTDIR/summary.txt; exits 1 if a line of
the log is not a JSON object)
"""
import collections
import json
import sys
from pathlib import Path

NODE_SECTIONS = ("activity", "agent", "entity")
RELATION_SECTIONS = ("used", "wasGeneratedBy", "wasInformedBy",
                     "wasAssociatedWith", "wasInfluencedBy", "wasDerivedFrom")


def summarise(outdir: Path) -> int:
    nodes = collections.Counter()
    relations = collections.Counter()
    documents = 0
    bad_lines = []
    log = outdir / "audit.log"
    with log.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                document = json.loads(raw)
            except ValueError as error:
                bad_lines.append(f"line {number}: {error}")
                continue
            if not isinstance(document, dict):
                bad_lines.append(f"line {number}: not a JSON object")
                continue
            documents += 1
            for section in NODE_SECTIONS:
                for element in document.get(section, {}).values():
                    nodes[element.get("prov:type", "?")] += 1
            for section in RELATION_SECTIONS:
                for element in document.get(section, {}).values():
                    relations[element.get("prov:type", "?")] += 1
    dropped_file = outdir / "dropped"
    dropped = None
    if dropped_file.exists() and dropped_file.read_text().strip():
        dropped = int(dropped_file.read_text().strip())
    summary = {
        "documents": documents,
        "nodes": dict(sorted(nodes.items())),
        "relations": dict(sorted(relations.items())),
        "node_count": sum(nodes.values()),
        "relation_count": sum(relations.values()),
        "dropped": dropped,
        "invalid_lines": bad_lines,
    }
    (outdir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    lines = [f"documents: {documents}",
             f"nodes: {summary['node_count']}",
             *(f"  {name}: {count}" for name, count in summary["nodes"].items()),
             f"relations: {summary['relation_count']}",
             *(f"  {name}: {count}" for name, count in summary["relations"].items()),
             f"dropped: {dropped if dropped is not None else 'unknown'}",
             f"invalid lines: {len(bad_lines)}",
             *(f"  {line}" for line in bad_lines[:10])]
    (outdir / "summary.txt").write_text("\n".join(lines) + "\n")
    return 1 if bad_lines else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(summarise(Path(sys.argv[1])))
