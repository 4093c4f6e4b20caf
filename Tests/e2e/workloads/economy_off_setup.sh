#!/bin/sh
# Setup of Tests/e2e/test_economy.py: graph economy off before capture starts.
printf 0 >/sys/kernel/security/provenance/economy
[ "$(cat /sys/kernel/security/provenance/economy)" = 0 ]
