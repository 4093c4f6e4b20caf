#!/usr/bin/env python3
"""Cuts a small excerpt out of a W3C log recorded in the VM (`make demo` or
packaging/vm/run with workloads/demo.sh): the objects of the demo pipeline
(/tmp/input.txt, the pipe, the tr and sed tasks and their process memory,
/tmp/output.txt, their paths, arguments and the machine) and the relations
between them, each element copied unchanged, grouped by its original line.

usage: excerpt.py AUDIT_LOG > vm-demo.w3c.log
"""
import json
import sys

NODE_SECTIONS = ("activity", "agent", "entity")
ORDER = ["activity", "agent", "entity", "used", "wasGeneratedBy", "wasInformedBy",
         "wasAssociatedWith", "wasInfluencedBy", "wasDerivedFrom"]
ROLES = {
    "used": ("prov:entity", "prov:activity"),
    "wasGeneratedBy": ("prov:activity", "prov:entity"),
    "wasInformedBy": ("prov:informant", "prov:informed"),
    "wasInfluencedBy": ("prov:influencer", "prov:influencee"),
    "wasAssociatedWith": ("prov:agent", "prov:activity"),
    "wasDerivedFrom": ("prov:usedEntity", "prov:generatedEntity"),
}


def main(path):
    docs = [json.loads(line) for line in open(path) if line.strip()]
    nodes = {}
    relations = []
    for d in docs:
        for s in NODE_SECTIONS:
            for k, v in d.get(s, {}).items():
                nodes.setdefault(k, v)
        for s, (snd, rcv) in ROLES.items():
            for k, v in d.get(s, {}).items():
                relations.append((v[snd], v[rcv], v))

    def key(k):
        n = nodes.get(k, {})
        return (n.get("prov:type"), n.get("cf:id"), n.get("cf:boot_id"), n.get("cf:machine_id"))

    wanted_paths = {"/tmp/input.txt", "/tmp/output.txt"}
    objects = set()
    for k, n in nodes.items():
        if n.get("prov:type") == "path" and n.get("cf:pathname") in wanted_paths:
            objects.add(key(k))
            for s, r, v in relations:
                if s == k and v["prov:type"] == "named":
                    objects.add(key(r))
        if n.get("prov:type") == "machine":
            objects.add(key(k))
    # the process memories that exec'd tr and sed, and the tasks behind them
    memories = {key(r) for s, r, v in relations
                if v["prov:type"] == "arg" and nodes.get(s, {}).get("cf:value") in ("/bin/tr", "/bin/sed")}
    tasks = {key(s) for s, r, v in relations if key(r) in memories and nodes.get(s, {}).get("prov:type") == "task"}
    memories |= {key(s) for s, r, v in relations if v["prov:type"] == "memory_read" and key(r) in tasks}
    objects |= memories | tasks
    # the pipe between them
    for s, r, v in relations:
        if v["prov:type"] == "write" and key(s) in tasks and nodes.get(r, {}).get("prov:type") == "pipe":
            objects.add(key(r))
    for s, r, v in relations:
        if v["prov:type"] == "arg" and key(r) in memories:
            objects.add(key(s))
    keep = {k for k in nodes if key(k) in objects}
    for d in docs:
        out = {}
        for s in ORDER:
            for k, v in d.get(s, {}).items():
                if s in NODE_SECTIONS:
                    if k in keep:
                        out.setdefault(s, {})[k] = v
                else:
                    snd, rcv = ROLES[s]
                    if v[snd] in keep and v[rcv] in keep:
                        out.setdefault(s, {})[k] = v
        if out:
            text = '{"prefix":{"prov" : "http://www.w3.org/ns/prov", "cf":"http://www.camflow.org"}'
            for s in ORDER:
                if s in out:
                    text += ', "%s":%s' % (s, json.dumps(out[s], separators=(",", ":"), ensure_ascii=False))
            print(text + "}")


if __name__ == "__main__":
    main(sys.argv[1])
