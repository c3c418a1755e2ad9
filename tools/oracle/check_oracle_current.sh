#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The committed vectors that our own scripts generate from independent
# implementations must be exactly what those scripts print today: the
# handshake oracle's, and Scapy's offload packets.
# Usage: check_oracle_current.sh PYTHON
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
failures=0
compare() {  # compare VECTOR_FILE SCRIPT
  if diff -u "$root/vectors/$1" <("$PYTHON" "$root/tools/oracle/$2"); then
    echo "PASS: vectors/$1 matches tools/oracle/$2"
  else
    echo "FAIL: regenerate with: /usr/bin/python3 tools/oracle/$2 > vectors/$1"
    failures=$((failures + 1))
  fi
}
PYTHON=$1
compare handshake_oracle.txt handshake_oracle.py
if "$PYTHON" -c "import scapy" 2>/dev/null; then
  compare offload_scapy.txt make_offload_vectors.py
else
  echo "NOTE: no Scapy for $PYTHON (tools/setup.sh installs python3-scapy); offload vectors not regenerated"
fi
exit $((failures > 0))
