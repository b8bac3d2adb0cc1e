#!/usr/bin/env bash
# Build every libFuzzer target tests/fuzz/fuzz_*.c into OUTDIR.
#   usage: tests/fuzz/build.sh OUTDIR [BUILDDIR]
# Each target is linked with every source listed in tests/fuzz/sources.txt
# (paths relative to the source tree; '#' comments and blank lines ignored) and
# with any other tests/fuzz/*.c that is not a fuzz_*.c (shared helpers/stubs).
# BUILDDIR (or $OSPREY_BUILDDIR), if given, is added to the include path for config.h.
# Environment: CC_FUZZ (default clang), FUZZ_CFLAGS (extra flags), JOBS (default 2).
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${1:?usage: tests/fuzz/build.sh OUTDIR [BUILDDIR]}
BUILDDIR=${2:-${OSPREY_BUILDDIR:-}}
CC=${CC_FUZZ:-clang}
JOBS=${JOBS:-2}
FUZZ_DIR="$SRC/tests/fuzz"

command -v "$CC" >/dev/null || { echo "fuzz/build.sh: $CC not found (install clang libclang-rt-14-dev)" >&2; exit 1; }

mkdir -p "$OUT/obj"
OUT=$(cd "$OUT" && pwd)

CFLAGS=(-g -O1 -fno-omit-frame-pointer -I"$SRC/include" -DOSPREY_HOST_TEST)
[ -n "$BUILDDIR" ] && CFLAGS+=(-I"$BUILDDIR")
# shellcheck disable=SC2206
CFLAGS+=(${FUZZ_CFLAGS:-})
SAN_OBJ=(-fsanitize=fuzzer-no-link,address,undefined)
SAN_LINK=(-fsanitize=fuzzer,address,undefined)

# ---- targets
targets=()
for f in "$FUZZ_DIR"/fuzz_*.c; do
	[ -e "$f" ] && targets+=("$f")
done
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz/build.sh: no tests/fuzz/fuzz_*.c targets" >&2
	exit 0
fi

# ---- shared sources
sources=()
if [ -f "$FUZZ_DIR/sources.txt" ]; then
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		line=$(echo "$line" | tr -d '[:space:]')
		[ -n "$line" ] || continue
		if [ ! -f "$SRC/$line" ]; then
			echo "fuzz/build.sh: source listed in tests/fuzz/sources.txt is missing: $line" >&2
			exit 1
		fi
		sources+=("$SRC/$line")
	done <"$FUZZ_DIR/sources.txt"
fi
for f in "$FUZZ_DIR"/*.c; do
	[ -e "$f" ] || continue
	case "$(basename "$f")" in fuzz_*) ;; *) sources+=("$f") ;; esac
done

# ---- compile the shared sources once (in parallel), then link each target
rm -f "$OUT"/obj/*.o
objs=()
pids=()
fail=0
i=0
for s in "${sources[@]}"; do
	rel=${s#"$SRC"/}
	o="$OUT/obj/$(echo "$rel" | tr '/' '_' | sed 's/\.c$//').o"
	objs+=("$o")
	"$CC" "${CFLAGS[@]}" "${SAN_OBJ[@]}" -c "$s" -o "$o" &
	pids+=($!)
	i=$((i + 1))
	if [ $((i % JOBS)) -eq 0 ]; then
		for p in "${pids[@]}"; do wait "$p" || fail=1; done
		pids=()
	fi
done
for p in "${pids[@]}"; do wait "$p" || fail=1; done
[ "$fail" = 0 ] || { echo "fuzz/build.sh: compiling the shared sources failed" >&2; exit 1; }

built=0
for t in "${targets[@]}"; do
	name=$(basename "$t" .c)
	rm -f "$OUT/$name"
	echo "fuzz/build.sh: building $name" >&2
	if ! "$CC" "${CFLAGS[@]}" "${SAN_LINK[@]}" "$t" "${objs[@]}" -o "$OUT/$name"; then
		echo "fuzz/build.sh: building $name failed" >&2
		fail=1
		continue
	fi
	built=$((built + 1))
done
echo "fuzz/build.sh: built $built of ${#targets[@]} targets into $OUT" >&2
exit "$fail"
