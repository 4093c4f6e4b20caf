#!/bin/sh
# Setup of Tests/e2e/test_economy.py: graph economy on before capture starts.
printf 1 >/sys/kernel/security/provenance/economy
[ "$(cat /sys/kernel/security/provenance/economy)" = 1 ]
