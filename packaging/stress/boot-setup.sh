#!/bin/sh
# Setup script of Tests/e2e/test_boot_buffer.py (packaging/vm/run
# --setup-script): runs before camconfd writes relay_conf, so every record
# of this workload waits in the kernel's boot buffer.
. /opt/extra/params
prov-stress --seconds 50 --ops "$OPS" --workers "$WORKERS" --dir /tmp/boot-stress \
	>/out/boot-stress.txt 2>/out/boot-stress.err
