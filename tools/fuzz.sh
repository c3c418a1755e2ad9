#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The libFuzzer targets (fuzz/, see fuzz/README.md), built with clang under
# ASan + UBSan in build-fuzz/ (-DWGREF_WERROR=ON). Two modes:
#
#   tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]          e.g. tools/fuzz.sh 60 device uapi
#     Short mode (what CI runs): each target for SECONDS_PER_TARGET (default
#     20) over a copy of its committed seed corpus, so the repository never
#     changes. Targets run side by side, FUZZ_JOBS at a time (default: the
#     number of cores). Prints runs, exec/s and coverage per target.
#
#   tools/fuzz.sh --long EXECUTIONS [--table FILE] [--ledger FILE] [--max-time SECONDS] [TARGET[=EXECUTIONS]...]
#     Long mode, with figures: each target for EXECUTIONS runs (-runs=N; a
#     TARGET=N argument gives that target its own budget), over a working
#     copy of fuzz/corpus/<target>/, one target at a time unless FUZZ_JOBS
#     says otherwise. --max-time caps each target's fuzzing time (default a
#     day), so a budget can be sized to a deadline; the table then shows the
#     executions actually run. After the run, the target's corpus is merged
#     (-merge=1) into a fresh directory that starts as the committed corpus,
#     so every committed file is kept and only inputs that add features are
#     added, under libFuzzer's sha1 names. The coverage (libFuzzer's `cov:`,
#     edges) of the committed corpus and of the merged one are measured by
#     running the target over each with -runs=0 (the merge and these
#     measures run with address-space randomisation off: `steady`, below);
#     when the merged one covers more edges, it replaces
#     fuzz/corpus/<target>/ (otherwise nothing changes), and
#     tools/fuzz_gain.py lists under the table the functions and source
#     lines the new files reach. A Markdown table goes to FILE
#     (default build-fuzz/fuzz-table.md), and one CSV row per target is
#     appended to the ledger as the target finishes (default fuzz/runs.csv,
#     committed with the corpora): every long run ever made,
#     so tools/fuzz_totals.py can add up what each target has run in all.
#
# Both modes run each target with -timeout=5 -rss_limit_mb=2048 inside an
# outer `timeout` (a backstop sized from the budget), in a network namespace
# of its own with no interface up (`unshare --net`, when this machine lets
# us make one), so no input can make a target send anything anywhere (the
# config_file target once sent fuzz-made host names to the DNS resolver),
# and exit 1 if any
# target crashed, leaked, timed out or broke a property: its log and
# reproducer are kept under build-fuzz/artifacts/<target>/. (In long mode a
# timeout whose input, run again alone, finishes in time was a starved CPU,
# not a finding: the table says so and the target goes on.)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=$root/build-fuzz
artifacts=$build/artifacts
usage="usage: tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
       tools/fuzz.sh --long EXECUTIONS [--table FILE] [--ledger FILE] [--max-time SECONDS] [TARGET[=EXECUTIONS]...]"

# ---- arguments -----------------------------------------------------------------
mode=short
table=$build/fuzz-table.md
ledger=$root/fuzz/runs.csv
max_time=86400
declare -A budget=()  # long mode: executions per target
if [[ ${1:-} == --long ]]; then
  mode=long
  executions=${2:-}
  [[ $executions =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
  shift 2
  while [[ $# -gt 0 && $1 == --* ]]; do
    case $1 in
      --table) table=$2; shift 2 ;;
      --ledger) ledger=$2; shift 2 ;;
      --max-time) max_time=$2; shift 2 ;;
      *) echo "$usage" >&2; exit 2 ;;
    esac
  done
  [[ $max_time =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
  jobs=${FUZZ_JOBS:-1}
else
  seconds=${1:-20}
  shift || true
  [[ $seconds =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
  jobs=${FUZZ_JOBS:-$(nproc)}
fi

echo "== build (clang, libFuzzer + ASan + UBSan) in build-fuzz"
# Two runs started together (one queued behind another, say) would both run
# ninja in build-fuzz/ and break its log ("failed recompaction"), so the
# build step holds a lock: a second run waits here until the first has built.
mkdir -p "$build"
{
  flock 9
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DWGREF_FUZZ=ON -DWGREF_WERROR=ON -DWGREF_BENCHMARKS=OFF -DWGREF_DOCS=OFF >/dev/null
  cmake --build "$build" --target fuzz -j"$([[ $mode == short ]] && echo "$jobs" || nproc)"
  if cmake --build "$build" --target help | grep '^wgref_fuzz_seeds:' >/dev/null; then
    cmake --build "$build" --target wgref_fuzz_seeds >/dev/null
  fi
} 9>"$build/.build.lock"
# The commit the targets were just built from, for the ledger: a row names
# the code its executions ran, even if commits land while a long run goes
# on ("+" when sources differed from that commit at build time).
# Short mode writes no ledger row, so it does not ask.
built_from=
if [[ $mode == long ]]; then
  built_from=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
  git -C "$root" diff --quiet HEAD -- CMakeLists.txt reference conformance vectors tools/test_support \
    fuzz ':!fuzz/corpus' ':!fuzz/runs.csv' 2>/dev/null || built_from+="+"
fi

targets=()
for argument in "$@"; do
  target=${argument%%=*}
  if [[ $argument == *=* ]]; then
    [[ $mode == long && ${argument#*=} =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
    budget[$target]=${argument#*=}
  fi
  targets+=("$target")
done
if [[ ${#targets[@]} -eq 0 ]]; then
  for binary in "$build"/fuzz/fuzz_*; do targets+=("${binary##*/fuzz_}"); done
fi
for target in "${targets[@]}"; do
  if [[ ! -x $build/fuzz/fuzz_$target ]]; then
    echo "fuzz.sh: no target fuzz_$target" >&2
    exit 2
  fi
done

# No network for the targets: probed, since a container may forbid new
# namespaces; without one they run as before, and the run says so.
isolate=()
if unshare --net true 2>/dev/null; then
  isolate=(unshare --net)
  echo "== targets run without a network (unshare --net)"
else
  echo "== targets run on this machine's network (unshare --net is not permitted here)"
fi

# The merge and the coverage measures run with address-space randomisation
# off, probed the same way. With it on, the same files and the same build
# read a few edges apart from one measure to the next in the Device-class
# targets (`device` 1821 to 1825 and once 1830, `batch` 2308 and once 2328;
# chapter 10, the twenty-fifth run), in code every input runs: enough to
# decide alone whether a merged corpus is kept. With it off, every measure
# agrees. The fuzzing itself keeps the randomisation: it is how the daemon
# runs. `launch` is what goes before a target; run_long sets it to `steady`
# for the merge and the measures. (Only the long mode measures.)
launch=() steady=()
if [[ $mode == long ]]; then
  if setarch -R true 2>/dev/null; then
    steady=(setarch -R)
    echo "== coverage is measured with address-space randomisation off (setarch -R)"
  else
    echo "== coverage is measured with address-space randomisation on (setarch -R is not permitted here): counts may move by a few edges"
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/wgref-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"

# The named seeds in fuzz/corpus/ must be what fuzz/make_seeds.cpp writes
# now. They are built from the oracle's handshakes (vectors/), and a seed
# left from an older oracle is a message those keys no longer accept: the
# response and cookie_reply targets once ran 10^8 executions each from such
# seeds without one valid message (chapter 10). Files a long run added have
# sha1 names and are not checked.
if [[ -x $build/fuzz/wgref_fuzz_seeds ]]; then
  "$build/fuzz/wgref_fuzz_seeds" "$work/seeds"
  stale=()
  for seed in "$work"/seeds/*/*; do
    cmp -s "$seed" "$root/fuzz/corpus/${seed#"$work"/seeds/}" || stale+=("${seed#"$work"/seeds/}")
  done
  if [[ ${#stale[@]} -gt 0 ]]; then
    echo "fuzz.sh: these seeds are not what fuzz/make_seeds.cpp writes now; regenerate them with" >&2
    echo "  $build/fuzz/wgref_fuzz_seeds fuzz/corpus" >&2
    printf '  fuzz/corpus/%s\n' "${stale[@]}" >&2
    exit 1
  fi
  echo "== seeds: fuzz/corpus/ holds what make_seeds.cpp writes"
else
  echo "== seeds not checked: no wgref_fuzz_seeds (it needs libpcap)"
fi

# ---- helpers -------------------------------------------------------------------

# run_target TARGET SECONDS_CAP [libFuzzer options and inputs...]: the one way
# this script starts a target, with the limits every use shares (5 s an
# input, 2048 MB), inside the outer `timeout` and the network namespace. The
# re-check of a timeout (starved_timeouts) must judge by the very limit the
# fuzzer used.
run_target() {
  local target=$1 cap=$2
  shift 2
  timeout --kill-after=10 "$cap" "${isolate[@]}" "${launch[@]}" "$build/fuzz/fuzz_$target" -timeout=5 -rss_limit_mb=2048 "$@"
}

# fuzz TARGET CORPUS SECONDS_CAP [libFuzzer options...]: one bounded libFuzzer
# run, its findings in $work/found-TARGET, its log in $work/TARGET.log and
# its exit status in $work/TARGET.rc. -timeout: one input taking 5 s is a
# hang; the outer timeout is a backstop.
#
# Long runs keep 10 frames of each allocation's and free's stack, not ASan's
# 30: ASan stores every distinct stack for good, and a tree freed by
# recursive destruction (the routing trie, a std::map) makes a new free
# stack for nearly every path down it. With
# 30 frames `allowed_ips` stored 643,130 stacks (154 MB) in its first 9,107
# inputs and grew about 5.5 MB per thousand, toward the 2048 MB limit; with
# 10, 1,717 stacks (9 MB). A finding's report is shorter; the reproduce
# command below runs the input again with the full stacks.
fuzz() {
  local target=$1 corpus=$2 cap=$3
  shift 3
  local found=$work/found-$target rc=0 stack_frames=30
  [[ $mode == long ]] && stack_frames=10
  mkdir -p "$found"
  ASAN_OPTIONS=detect_leaks=1:malloc_context_size=$stack_frames UBSAN_OPTIONS=print_stacktrace=1 \
    run_target "$target" "$cap" "$@" -print_final_stats=1 -artifact_prefix="$found/" "$corpus" \
      >"$work/$target.log" 2>&1 || rc=$?
  echo "$rc" >"$work/$target.rc"
}

# The coverage (edges) the target reaches over a corpus directory: the `cov:`
# of libFuzzer's INITED line after running every input once; nothing if an
# input there stops it first (the table then shows `?`, and the finding is
# in found-TARGET).
coverage() {
  local target=$1 corpus=$2
  { ASAN_OPTIONS=detect_leaks=0 run_target "$target" 1800 -runs=0 -artifact_prefix="$work/found-$target/" "$corpus" 2>&1 ||
    true; } |
    sed -n 's/.*INITED cov: \([0-9]*\).*/\1/p' | tail -1
}

# A long run goes on beside other work at the lowest priority, and
# libFuzzer's -timeout counts wall-clock time: a fuzzer kept off the CPU for
# 5 s reports a hang that is none (the thirteenth run's `device` stopped so
# while the docs were printed beside it; its input takes 0.1 s). So in long
# mode a timeout counts as a finding only if its input, run again alone
# (three tries), still does not finish within the limit. True when every
# finding of TARGET is a timeout whose input then ran in time.
starved_timeouts() {
  local target=$1 finding ran any=no
  for finding in "$work/found-$target"/*; do
    [[ -e $finding ]] || continue
    [[ ${finding##*/} == timeout-* ]] || return 1
    any=yes
  done
  [[ $any == yes ]] || return 1
  for finding in "$work/found-$target"/timeout-*; do
    ran=no
    for _ in 1 2 3; do
      if ASAN_OPTIONS=detect_leaks=1 run_target "$target" 60 "$finding" >"$work/$target.again.log" 2>&1; then
        ran=yes
        break
      fi
      sleep 5
    done
    [[ $ran == yes ]] || return 1
  done
}

files_of() { find "$1" -type f | wc -l; }
kb_of() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f", s / 1024 }'; }
stat_of() { sed -n "s/^stat::$2: *//p" "$work/$1.log" | tail -1; }

# Short mode: one target for $seconds over a copy of its corpus.
run_short() {
  local target=$1
  local corpus=$work/corpus-$target
  mkdir -p "$corpus"
  if [[ -d $root/fuzz/corpus/$target ]]; then cp -R "$root/fuzz/corpus/$target/." "$corpus/"; fi
  fuzz "$target" "$corpus" $((seconds + 120)) -max_total_time="$seconds"
}

# Long mode: one target for its budget, then merge, measure, and maybe
# replace the committed corpus. Figures go to $work/TARGET.row.
run_long() {
  local target=$1
  local runs=${budget[$target]:-$executions}
  local committed=$root/fuzz/corpus/$target corpus=$work/corpus-$target merged=$work/merged-$target
  mkdir -p "$committed" "$corpus" "$merged"
  cp -R "$committed/." "$corpus/"
  local start=$SECONDS started
  started=$(date -u +%Y-%m-%dT%H:%M)
  # In pieces only if a piece ends in starved timeouts (starved_timeouts):
  # their inputs go to $work/starved-TARGET, not counted as findings, and
  # the target goes on from the corpus it had grown, for what remains of its
  # executions and time.
  local executed=0 pieces=0 starved=0 runs_left=$runs time_left=$max_time
  : >"$work/$target.pieces.log"
  while :; do
    fuzz "$target" "$corpus" $((time_left + 600)) -runs="$runs_left" -max_total_time="$time_left"
    pieces=$((pieces + 1))
    executed=$((executed + $(stat_of "$target" number_of_executed_units || true) + 0))
    cat "$work/$target.log" >>"$work/$target.pieces.log"
    [[ $(cat "$work/$target.rc") != 0 ]] && starved_timeouts "$target" || break
    mkdir -p "$work/starved-$target"
    starved=$((starved + $(files_of "$work/found-$target")))
    mv "$work/found-$target"/timeout-* "$work/starved-$target/"
    runs_left=$((runs - executed))
    time_left=$((max_time - (SECONDS - start)))
    echo "== fuzz_$target: a timeout at $(date -u +%H:%M:%S) was a starved CPU (its input runs in time alone);" \
      "$([[ $runs_left -gt 0 && $time_left -ge 60 ]] && echo "going on for ${time_left}s" || echo "its budget is spent")"
    if (( runs_left <= 0 || time_left < 60 )); then echo 0 >"$work/$target.rc"; break; fi
  done
  local fuzz_seconds=$((SECONDS - start))
  if (( pieces > 1 )); then
    # The target's log becomes every piece's, ending with the totals, which
    # is what the figures below and the report read (the last stat:: line).
    # The rate is executions over the whole wall time, the pauses and the
    # re-runs of the starved inputs included: a little below libFuzzer's own.
    { cat "$work/$target.pieces.log"
      echo "stat::number_of_executed_units: $executed"
      echo "stat::average_exec_per_sec: $((executed / (fuzz_seconds > 0 ? fuzz_seconds : 1)))"
    } >"$work/$target.log"
  fi
  # The merge keeps every committed file (the fresh directory starts as a
  # copy) and adds, from the working corpus, the fewest inputs that reach
  # edges the others do not (-use_counters=0: an edge counts, not how many
  # times it ran, which keeps the corpus to a few hundred files).
  cp -R "$committed/." "$merged/"
  local launch=("${steady[@]}")  # from here to the end: the merge and the measures
  ASAN_OPTIONS=detect_leaks=0 run_target "$target" 3600 -merge=1 -use_counters=0 \
    -artifact_prefix="$work/found-$target/" "$merged" "$corpus" >"$work/$target.merge.log" 2>&1 || true
  local cov_before cov_after updated=no
  cov_before=$(coverage "$target" "$committed")
  cov_after=$(coverage "$target" "$merged")
  local files_before kb_before
  files_before=$(files_of "$committed")
  kb_before=$(kb_of "$committed")
  if [[ $(cat "$work/$target.rc") == 0 && ${cov_after:-0} -gt ${cov_before:-0} ]]; then
    cp -R "$committed" "$work/before-$target"  # for the report of what the new files reach
    rm -rf "$committed"
    cp -R "$merged" "$committed"
    updated=yes
  fi
  # The run's figures, read once, for the table's row and the ledger's.
  local found rate files_after minutes
  found=$(find "$work/found-$target" -type f | wc -l)
  rate=$(stat_of "$target" average_exec_per_sec)
  files_after=$(files_of "$committed")
  minutes=$(awk -v s="$fuzz_seconds" 'BEGIN { printf "%.1f", s / 60 }')
  local findings=$found ran=$executed
  [[ $(cat "$work/$target.rc") == 0 ]] || findings="$found (exit $(cat "$work/$target.rc"))"
  (( starved == 0 )) || findings+=", and $starved timeout(s) of a starved CPU, not counted"
  [[ ${ran:-0} -ge $runs ]] || ran="${ran:-?} of $runs (time cap)"
  printf '| `%s` | %s | %s | %s → %s | %s (%s KB) → %s (%s KB)%s | %s | %s min |\n' \
    "$target" "$ran" "$rate" "${cov_before:-?}" "${cov_after:-?}" \
    "$files_before" "$kb_before" "$files_after" "$(kb_of "$committed")" \
    "$([[ $updated == yes ]] && echo ', updated' || true)" "$findings" "$minutes" >"$work/$target.row"
  # The ledger's row: the same figures, as numbers (findings: files found),
  # added now, beside the corpus it describes: a run stopped later, in
  # another target, still leaves every finished target's row. (flock: with
  # FUZZ_JOBS > 1 targets finish at the same moment.)
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$started" "$built_from" "$target" "$executed" "$runs" "$rate" \
    "${cov_before:-}" "${cov_after:-}" "$files_after" "$found" "$minutes" >"$work/$target.csv"
  { flock 9; cat "$work/$target.csv" >&9; } 9>>"$ledger"
}

# ---- run -----------------------------------------------------------------------
ledger_header="started_utc,commit,target,executions,budget,exec_per_second,edges_before,edges_after,files_after,findings,minutes"
if [[ $mode == long && ! -s $ledger ]]; then mkdir -p "$(dirname "$ledger")"; echo "$ledger_header" >"$ledger"; fi
for target in "${targets[@]}"; do
  while (( $(jobs -rp | wc -l) >= jobs )); do wait -n || true; done
  if [[ $mode == short ]]; then
    echo "== fuzz_$target (${seconds}s)"
    run_short "$target" &
  else
    echo "== fuzz_$target (${budget[$target]:-$executions} executions, at most ${max_time}s) $(date -u +%H:%M:%S)"
    run_long "$target" &
  fi
done
wait

# ---- report --------------------------------------------------------------------
echo
status=0
printf '%-16s %-6s %10s %8s %7s %7s\n' target result runs exec/s cov ft
for target in "${targets[@]}"; do
  result=ok
  [[ $(cat "$work/$target.rc" 2>/dev/null) == 0 ]] || result=FAIL
  log=$work/$target.log
  runs=$(stat_of "$target" number_of_executed_units)
  rate=$(stat_of "$target" average_exec_per_sec)
  # (None, if the target stopped before libFuzzer printed any: a seed crashed.)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  printf '%-16s %-6s %10s %8s %7s %7s\n' "$target" "$result" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}"
  if [[ $result == FAIL ]]; then
    status=1
    mkdir -p "$artifacts/$target"
    cp "$log" "$artifacts/$target/fuzz.log"
    for finding in "$work/found-$target"/*; do
      [[ -e $finding ]] || continue
      cp "$finding" "$artifacts/$target/"
    done
    echo "---- fuzz_$target failed; log and reproducer(s) kept in $artifacts/$target/:"
    ls "$artifacts/$target" | sed 's/^/     /'
    # The finding, then the stack frames in our own code (neither need be
    # there: a target stopped from outside has no finding to show).
    grep -E 'ERROR|SUMMARY|fuzz property|runtime error' "$log" | head -6 | sed 's/^/     /' || true
    grep -E "^ *#[0-9]+ .* in .* $root/(reference|conformance|fuzz|vectors)/" "$log" | head -15 | sed 's/^/     /' || true
    echo "     reproduce: $build/fuzz/fuzz_$target $artifacts/$target/<crash-file>"
  fi
done

if [[ $mode == long ]]; then
  mkdir -p "$(dirname "$table")"
  {
    echo "| target | executions | exec/s | coverage (edges) | corpus files (size) | findings | fuzzing time |"
    echo "|---|---:|---:|---|---|---|---:|"
    for target in "${targets[@]}"; do cat "$work/$target.row"; done
  } >"$table"
  echo
  # Where an updated corpus's new edges are (tools/fuzz_gain.py: functions
  # and source lines), under the table, from the corpus the run started with.
  for target in "${targets[@]}"; do
    [[ -d $work/before-$target ]] || continue
    if [[ -x /usr/bin/python3 ]]; then
      { echo; echo "What the new \`$target\` files reach (tools/fuzz_gain.py):"; echo; echo '```'
        /usr/bin/python3 "$root/tools/fuzz_gain.py" "$target" --before "$work/before-$target" \
          --name-before "the corpus this run started with" 2>&1 || true
        echo '```'; } >>"$table"
    else
      echo "fuzz.sh: no /usr/bin/python3 here; tools/fuzz_gain.py $target says where the new edges are" >&2
    fi
  done
  cat "$table"
  echo "fuzz.sh: table written to $table"
  echo "fuzz.sh: ${#targets[@]} rows added to $ledger, one as each target finished (totals: tools/fuzz_totals.py)"
fi

if [[ $status -ne 0 ]]; then
  echo "fuzz.sh: a target failed (see above)"
elif [[ $mode == short ]]; then
  echo "fuzz.sh: ${#targets[@]} targets, ${seconds}s each, nothing found"
else
  echo "fuzz.sh: ${#targets[@]} targets, nothing found"
fi
exit $status
