#!/bin/sh
# The benchmark's reference relay: Debian's haproxy (run in `mode tcp` by test/bench/haproxy.ts).
# Installed for `npm run bench` only, never for the tests. Without it the bench still runs, with
# no haproxy column.
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
command -v haproxy >/dev/null 2>&1 && exit 0
echo "bench setup: installing haproxy (the reference relay)"
{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy; } ||
  echo "bench setup: haproxy could not be installed; the bench runs without the reference relay" >&2
exit 0
