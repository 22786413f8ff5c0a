#!/usr/bin/env bash
# Runs every cargo-fuzz target of this crate for FUZZ_SECONDS each (default 60), one after the
# other, starting from its seed corpus (seeds/<target>) and its past crashes (regressions/<target>),
# and growing corpus/<target>.
# Needs a nightly toolchain and cargo-fuzz. Fuzz builds go to FUZZ_TARGET_DIR (default
# $HOME/.cache/shipdeck-fuzz-target) so that they do not invalidate the normal build cache.
# FUZZ_SANITIZER picks the sanitizer (default address; `none` runs faster). Extra arguments are
# passed to libFuzzer (e.g. -jobs=2). Exits non-zero on the first crash;
# the reproducer is in artifacts/<target>/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seconds="${FUZZ_SECONDS:-60}"
targets="${FUZZ_TARGETS:-$(sed -n 's/^name = "\(.*\)"$/\1/p' "$here/Cargo.toml" | grep -v '^shipdeck-fuzz$')}"
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/shipdeck-fuzz-target}"

cd "$here/../.."
for target in $targets; do
    mkdir -p "$here/corpus/$target" "$here/artifacts/$target"
    dirs=("$here/corpus/$target" "$here/seeds/$target")
    # Inputs that once crashed a target are replayed first, on every run.
    if [ -d "$here/regressions/$target" ]; then dirs+=("$here/regressions/$target"); fi
    echo "== fuzz $target for ${seconds}s"
    cargo +nightly fuzz run --sanitizer "${FUZZ_SANITIZER:-address}" --fuzz-dir "$here" "$target" "${dirs[@]}" \
        -- -max_total_time="$seconds" -artifact_prefix="$here/artifacts/$target/" "$@"
done
