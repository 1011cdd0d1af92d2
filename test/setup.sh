#!/bin/sh
# Prepares this machine for the end-to-end tests. Run as root from anywhere; idempotent, and quick
# when everything is already in place.
#
#   sh test/setup.sh           packages, a running dockerd, the local test images
#   sh test/setup.sh dockerd   only make sure dockerd answers (the daemon-restart test uses this, so
#                              that dockerd is always started the same way)
#
# Never pulls: busybox:local is imported from the busybox-static binary, and every other test image
# is built FROM it (Dockerfiles in test/images/).
set -eu

PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
DOCKER_SOCK=/var/run/docker.sock
DOCKERD_LOG=/var/log/dockerd.log
# Bump to re-import busybox:local when the rootfs recipe below changes.
BUSYBOX_REV=2
IMAGES_DIR=$(cd "$(dirname "$0")/images" && pwd)

# Talk to dockerd itself, never to a proxy the caller may have exported.
DOCKER_HOST="unix://$DOCKER_SOCK"
export DOCKER_HOST
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH

say() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

install_packages() {
  missing=""
  command -v dockerd >/dev/null 2>&1 || missing="$missing docker.io"
  command -v docker >/dev/null 2>&1 || missing="$missing docker.io"
  command -v iptables >/dev/null 2>&1 || missing="$missing iptables"
  # A dynamically linked /bin/busybox (Debian's "busybox") would not run in a scratch image.
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing busybox-static"
  command -v etcd >/dev/null 2>&1 || missing="$missing etcd-server"
  command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
  command -v ss >/dev/null 2>&1 || missing="$missing iproute2"
  command -v nsenter >/dev/null 2>&1 || missing="$missing util-linux"
  command -v script >/dev/null 2>&1 || missing="$missing bsdutils"
  command -v promtool >/dev/null 2>&1 || missing="$missing prometheus"
  command -v dnsmasq >/dev/null 2>&1 || missing="$missing dnsmasq-base"
  if [ -z "$missing" ]; then
    say "packages: all present"
    return
  fi
  missing=$(echo "$missing" | tr ' ' '\n' | sort -u | tr '\n' ' ')
  say "packages: installing$missing"
  apt-get update -qq
  # docker.io with its recommends (apparmor among them, which dockerd needs on kernels with
  # AppArmor on); prometheus without (exporters and a web UI we do not use).
  lean=""
  full=""
  for p in $missing; do
    case "$p" in prometheus) lean="$lean $p" ;; *) full="$full $p" ;; esac
  done
  # shellcheck disable=SC2086
  [ -z "$full" ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $full >/dev/null
  # shellcheck disable=SC2086
  [ -z "$lean" ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $lean >/dev/null
}

docker_answers() { docker version >/dev/null 2>&1; }

pidfile_alive() {
  pid=$(cat /var/run/docker.pid 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

ensure_dockerd() {
  if docker_answers; then
    say "dockerd: answering on $DOCKER_SOCK"
    return
  fi
  [ -d /proc/sys/net/bridge ] || { modprobe br_netfilter 2>/dev/null || true; }
  started=""
  i=0
  while [ "$i" -lt 60 ]; do
    if docker_answers; then
      say "dockerd: started (pid ${started:-?}, log $DOCKERD_LOG)"
      return
    fi
    if [ -z "$started" ]; then
      # A dockerd that is still starting or shutting down owns the pid file: wait for it.
      if ! pidfile_alive; then
        # setsid: its own session, so it outlives this script and the caller's Ctrl-C.
        setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
        started=$!
      fi
    elif ! kill -0 "$started" 2>/dev/null; then
      tail -n 30 "$DOCKERD_LOG" >&2 || true
      die "dockerd exited at start (log above)"
    fi
    i=$((i + 1))
    sleep 0.5
  done
  tail -n 30 "$DOCKERD_LOG" >&2 || true
  die "dockerd did not answer within 30 s (log above)"
}

image_label() {
  docker image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true
}

# Each builder adds what it built to $built. They return 0 either way: a function called in an
# && list would run with set -e off.
import_busybox() {
  [ "$(image_label busybox:local wp-test.rev)" = "$BUSYBOX_REV" ] && return 0
  rootfs=$(mktemp -d)
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/root" "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf - . |
    docker import \
      -c 'CMD ["sh"]' \
      -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      -c "LABEL wp-test.rev=$BUSYBOX_REV" \
      - busybox:local >/dev/null
  rm -rf "$rootfs"
  built="$built busybox:local"
}

# Builds wp-test/<name> from test/images/<name>.Dockerfile unless the image was built from this very
# Dockerfile on the current busybox:local (the label holds a digest of both).
build_variant() {
  name=$1
  base_id=$(docker image inspect -f '{{.Id}}' busybox:local)
  key=$( (cat "$IMAGES_DIR/$name.Dockerfile"; echo "$base_id") | sha256sum | cut -c1-16)
  [ "$(image_label "wp-test/$name" wp-test.src)" = "$key" ] && return 0
  # The legacy builder: BuildKit would need the buildx plugin; neither pulls (the base is local).
  if ! out=$(DOCKER_BUILDKIT=0 docker build -q --label "wp-test.src=$key" -t "wp-test/$name" - \
    <"$IMAGES_DIR/$name.Dockerfile" 2>&1); then
    echo "$out" >&2
    die "docker build of wp-test/$name failed"
  fi
  built="$built wp-test/$name"
}

build_images() {
  built=""
  import_busybox
  for dockerfile in "$IMAGES_DIR"/*.Dockerfile; do
    build_variant "$(basename "$dockerfile" .Dockerfile)"
  done
  if [ -n "$built" ]; then say "images: built$built"; else say "images: all present"; fi
}

[ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and starts dockerd)"
case "${1:-all}" in
  dockerd)
    ensure_dockerd
    ;;
  all)
    install_packages
    ensure_dockerd
    build_images
    ;;
  *)
    die "usage: sh test/setup.sh [dockerd]"
    ;;
esac
