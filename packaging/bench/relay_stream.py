"""Relay streams for the benchmark, made from the kernel fixtures.

The fixtures (Tests/Fixtures/kernel/*.bin) are raw relay dumps captured from
the real kernel in the VM: provenanceN and long_provenanceN for CPU N. A
stream of at least `minimum` records repeats each dump into the relay file of
the same name; copy k of a dump has k added to the boot_id of every
identifier in it (the record's own, the relation's endpoints, the node's
name_id, the disclosing task), so that nodes of different copies are distinct
as they would be in a long capture, while every record stays exactly what the
kernel wrote otherwise.
"""
import struct
from pathlib import Path

HEADER = struct.Struct("<IHBBQ")  # struct prov_record_header: size, kind, abi_version, flags, time_ns
# Offsets in the records (checked against kernel-patch/include/uapi/linux/provenance.h
# with offsetof: header 16 bytes, then struct prov_element whose identifier comes
# first; relations: snd at 72, rcv at 104; nodes: prov_node_common at 72 with
# name_id first; disc: parent at 120). boot_id is at +16 in a node identifier.
ELEMENT_ID, RELATION_SND, RELATION_RCV, NODE_NAME_ID, DISC_PARENT = 16, 72, 104, 72, 120
BOOT_ID_IN_ID = 16
KIND_RELATION, KIND_PACKET, KIND_DISC = 1, 8, 16
ENT_PACKET = 0x2000000000020000  # packet identifiers have another layout: left alone


def split_records(data, name="dump"):
    """The records of a relay dump, as (offset, size, kind) triples."""
    records, i = [], 0
    while i + HEADER.size <= len(data):
        size, kind, _, _, _ = HEADER.unpack_from(data, i)
        if size < HEADER.size or size % 8 or i + size > len(data):
            raise ValueError(f"{name}: bad record size {size} at offset {i}")
        records.append((i, size, kind))
        i += size
    if i != len(data):
        raise ValueError(f"{name}: {len(data) - i} trailing bytes")
    return records


def boot_id_offsets(data, records):
    """Offsets of the boot_id fields to vary between copies (non-zero node identifiers only)."""
    offsets = []

    def identifier_at(start):
        kind_word = struct.unpack_from("<Q", data, start)[0]
        if kind_word != 0 and kind_word != ENT_PACKET:
            offsets.append(start + BOOT_ID_IN_ID)

    for offset, size, kind in records:
        if kind == KIND_PACKET:
            continue
        identifier_at(offset + ELEMENT_ID)
        if kind == KIND_RELATION:
            identifier_at(offset + RELATION_SND)
            identifier_at(offset + RELATION_RCV)
        elif size >= NODE_NAME_ID + 32:
            identifier_at(offset + NODE_NAME_ID)
            if kind == KIND_DISC and size >= DISC_PARENT + 32:
                identifier_at(offset + DISC_PARENT)
    return offsets


def build(fixtures, relay_dir, minimum):
    """Writes relay files under `relay_dir` holding at least `minimum` records.

    Returns (records, bytes, copies)."""
    dumps = sorted(Path(fixtures).glob("*.bin"))
    if not dumps:
        raise FileNotFoundError(f"no kernel fixtures (*.bin) in {fixtures}")
    templates = []
    per_copy = 0
    for dump in dumps:
        data = dump.read_bytes()
        records = split_records(data, dump.name)
        templates.append((dump.stem, data, boot_id_offsets(data, records), len(records)))
        per_copy += len(records)
    copies = -(-minimum // per_copy)
    relay = Path(relay_dir)
    relay.mkdir(parents=True, exist_ok=True)
    total_bytes = 0
    for name, data, offsets, _ in templates:
        originals = [struct.unpack_from("<I", data, o)[0] for o in offsets]
        with open(relay / name, "wb") as out:
            for k in range(copies):
                copy = bytearray(data)
                for o, value in zip(offsets, originals):
                    struct.pack_into("<I", copy, o, (value + k) & 0xFFFFFFFF)
                out.write(copy)
                total_bytes += len(copy)
    return per_copy * copies, total_bytes, copies
