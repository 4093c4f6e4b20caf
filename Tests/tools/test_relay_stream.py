"""Unit tests of packaging/bench/relay_stream.py, the relay stream `make bench` replays."""
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging" / "bench"))
import relay_stream  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "Fixtures" / "kernel"


def test_stream_repeats_every_dump_with_distinct_boot_ids(tmp_path):
    records, size, copies = relay_stream.build(FIXTURES, tmp_path, 5000)
    dumps = sorted(FIXTURES.glob("*.bin"))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(d.stem for d in dumps)
    assert records >= 5000 and copies >= 2
    assert size == sum(p.stat().st_size for p in tmp_path.iterdir()) == copies * sum(d.stat().st_size for d in dumps)
    total = 0
    for dump in dumps:
        original = dump.read_bytes()
        produced = (tmp_path / dump.stem).read_bytes()
        template = relay_stream.split_records(original)
        total += len(relay_stream.split_records(produced, dump.stem))
        offsets = relay_stream.boot_id_offsets(original, template)
        assert offsets, f"{dump.name}: no identifier found"
        for k in (0, copies - 1):
            copy = produced[k * len(original):(k + 1) * len(original)]
            for o in offsets:
                assert struct.unpack_from("<I", copy, o)[0] == (struct.unpack_from("<I", original, o)[0] + k) & 0xFFFFFFFF
            changed = {i for i in range(len(original)) if copy[i] != original[i]}
            allowed = {o + j for o in offsets for j in range(4)}
            assert changed <= allowed, f"{dump.name} copy {k}: bytes other than boot_ids changed"
    assert total == records


def test_bad_dump_is_refused(tmp_path):
    bad = tmp_path / "kernel"
    bad.mkdir()
    (bad / "provenance0.bin").write_bytes(struct.pack("<IHBBQ", 12, 1, 1, 0, 0))
    try:
        relay_stream.build(bad, tmp_path / "relay", 10)
    except ValueError as error:
        assert "provenance0.bin" in str(error) and "bad record size 12" in str(error)
    else:
        raise AssertionError("a record size below the header was accepted")
