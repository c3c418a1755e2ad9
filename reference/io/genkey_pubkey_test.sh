#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Known answer from an implementation we did not write: for keys made by
# `wgref genkey`, `wgref pubkey` must print what `wg pubkey` prints, and for
# keys made by `wg genkey`, the same. Usage: genkey_pubkey_test.sh WGREF
set -euo pipefail
wgref=$1
command -v wg >/dev/null || { echo "SKIP: wg (wireguard-tools) not installed"; exit 77; }
for i in 1 2 3 4 5; do
    for key in "$("$wgref" genkey)" "$(wg genkey)"; do
        ours=$(printf '%s\n' "$key" | "$wgref" pubkey)
        theirs=$(printf '%s\n' "$key" | wg pubkey)
        [[ "$ours" == "$theirs" ]] || { echo "FAIL: pubkey differs: ours=$ours wg=$theirs"; exit 1; }
    done
done
psk=$("$wgref" genpsk)
[[ ${#psk} -eq 44 ]] || { echo "FAIL: genpsk printed '$psk'"; exit 1; }
if printf 'not a key\n' | "$wgref" pubkey 2>/dev/null; then echo "FAIL: bad key accepted"; exit 1; fi
echo "PASS: wgref genkey/pubkey agree with wg on 10 keys"
