#!/usr/bin/env bash
# What the benchmarks compare against, installed from the distribution (Debian/Ubuntu):
# Taskwarrior (bench_storage.py's peer for whole-plan views) and Chromium (bench_dashboard.py's
# page load). The benchmarks themselves install nothing; without these they skip those rows.
set -euo pipefail
missing=()
command -v task >/dev/null || missing+=(taskwarrior)
command -v chromium >/dev/null || missing+=(chromium)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "bench/setup.sh: task and chromium are installed"
  exit 0
fi
command -v apt-get >/dev/null || { echo "bench/setup.sh: install ${missing[*]} with your package manager" >&2; exit 1; }
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -q && $sudo apt-get install -y -q "${missing[@]}"
