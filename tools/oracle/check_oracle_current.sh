#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The committed handshake vectors must be exactly what the oracle prints today.
# Usage: check_oracle_current.sh PYTHON
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if diff -u "$root/vectors/handshake_oracle.txt" <("$1" "$root/tools/oracle/handshake_oracle.py"); then
  echo "PASS: vectors/handshake_oracle.txt matches the oracle"
else
  echo "FAIL: regenerate with: /usr/bin/python3 tools/oracle/handshake_oracle.py > vectors/handshake_oracle.txt"
  exit 1
fi
