#!/bin/sh
# Builds weavewait (dist/weavewait/w), the static program the proxy bind-mounts
# at /w in containers. Static because it must run in any image, including ones
# without a libc. Rebuilds only when the source or this script changed, so
# `npm run build` stays fast.
set -eu

root=$(cd "$(dirname "$0")/../../.." && pwd)
src="$root/libs/weave/weavewait/weavewait.c"
script="$root/libs/weave/weavewait/build.sh"
outdir="$root/dist/weavewait"
out="$outdir/w"
cc=${CC:-gcc}

# `find -newer` is POSIX; `test -nt` is not.
if [ -f "$out" ] && [ -z "$(find "$src" "$script" -newer "$out")" ]; then
	exit 0
fi

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "weavewait build: C compiler '$cc' not found; install gcc and libc6-dev (static glibc) or set CC" >&2
	exit 1
fi

mkdir -p "$outdir"
# Build beside the target and rename, so a failed or concurrent build never
# leaves a half-written binary where containers mount it.
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
"$cc" -static -Os -s -Wall -Wextra -Werror -o "$tmp" "$src"
chmod 755 "$tmp"
mv -f "$tmp" "$out"
echo "weavewait build: wrote dist/weavewait/w"
