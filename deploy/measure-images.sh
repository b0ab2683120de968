#!/usr/bin/env bash
# Measures the api image before and after the multi-stage Dockerfile on a machine with no Docker
# engine and no container registry: only Debian's package mirror (and Maven Central) are reachable.
# Run as root from the repository's root: bash deploy/measure-images.sh
#
# What it builds, with buildah (daemonless, --isolation chroot: this sandbox refuses runc's rlimits):
#   localhost/debian:bookworm                 debootstrap --variant=minbase, imported as one layer
#   localhost/debian-jre17:bookworm           + openjdk-17-jre-headless     (stands in for eclipse-temurin:17-jre)
#   localhost/debian-jdk17-maven:bookworm     + openjdk-17-jdk-headless maven zip binutils
#                                             (stands in for maven:3.9.11-eclipse-temurin-17-alpine)
#   localhost/otpstream-before/api:debian     the old api.Dockerfile (commit ac1cb89) on the Debian JRE,
#                                             with the old fat jar built from that commit
#   localhost/otpstream-after/api:debian      deploy/docker/Dockerfile --target api, base images given by
#                                             its ARGs, plus the three Alpine-only commands swapped for
#                                             Debian's (see debianize below)
# Alpine can't be fetched here, so the after image's base layer is Debian minbase, not alpine:3.22.1.
# Nothing is written into the repository; everything goes to $WORK. Images stay in podman's store.
#
# Environment: WORK (default /tmp/otpstream-images), BEFORE_COMMIT (default ac1cb89),
#              MVN_REPO (a local Maven repository for the before jar's build; default ~/.m2/repository)
set -euo pipefail

REPO=$(git rev-parse --show-toplevel)
WORK=${WORK:-/tmp/otpstream-images}
BEFORE_COMMIT=${BEFORE_COMMIT:-ac1cb89}
MVN_REPO=${MVN_REPO:-$HOME/.m2/repository}
BUD=(buildah bud --isolation chroot --network host --format docker --layers)
mkdir -p "$WORK"

need() { command -v "$1" >/dev/null || { apt-get update -q && apt-get install -y -q podman buildah debootstrap; }; }
need buildah; need podman; need debootstrap

# The Debian mirror this machine's apt uses (deb822 or one-line sources).
MIRROR=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1)
[ -n "$MIRROR" ] || MIRROR=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -1)
SECURITY=${MIRROR%/debian}/debian-security

# 1. Debian base, no registry: debootstrap a minbase root and import it.
if ! podman image exists localhost/debian:bookworm; then
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log"
  rm -f "$WORK"/rootfs/var/cache/apt/archives/*.deb "$WORK"/rootfs/var/cache/apt/*.bin
  rm -rf "$WORK"/rootfs/var/lib/apt/lists/*
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
    "$MIRROR" "$MIRROR" "$SECURITY" >"$WORK/rootfs/etc/apt/sources.list"
  tar -C "$WORK/rootfs" -c . | podman import - localhost/debian:bookworm
fi

# 2. Java bases. The build stage's base trusts this machine's extra CAs (a TLS proxy in front of
#    Maven Central, if any); that stage never reaches the runtime image.
mkdir -p "$WORK/jre" "$WORK/jdk"
cat >"$WORK/jre/Containerfile" <<'EOF'
FROM localhost/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless && rm -rf /var/lib/apt/lists/*
EOF
rm -f "$WORK"/jdk/*.crt
cp /usr/local/share/ca-certificates/*.crt "$WORK/jdk/" 2>/dev/null || true
{
  echo 'FROM localhost/debian:bookworm'
  ls "$WORK"/jdk/*.crt >/dev/null 2>&1 && echo 'COPY *.crt /usr/local/share/ca-certificates/'
  echo '# binutils: jlink --strip-debug runs objcopy (the eclipse-temurin alpine JDK images ship binutils too)'
  echo 'RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven zip binutils && rm -rf /var/lib/apt/lists/*'
} >"$WORK/jdk/Containerfile"
podman image exists localhost/debian-jre17:bookworm || "${BUD[@]}" -t localhost/debian-jre17:bookworm "$WORK/jre"
podman image exists localhost/debian-jdk17-maven:bookworm || "${BUD[@]}" -t localhost/debian-jdk17-maven:bookworm "$WORK/jdk"

# 3. Before: the fat jar and api.Dockerfile of $BEFORE_COMMIT, eclipse-temurin:17-jre -> the Debian JRE.
rm -rf "$WORK/before-src" && mkdir -p "$WORK/before-src"
git -C "$REPO" archive "$BEFORE_COMMIT" | tar -x -C "$WORK/before-src"
(cd "$WORK/before-src" && mvn -B -q -Dmaven.repo.local="$MVN_REPO" -Dmaven.test.skip=true -pl launcher -am package)
sed 's|^FROM eclipse-temurin:17-jre|FROM localhost/debian-jre17:bookworm|' \
  "$WORK/before-src/deploy/docker/api.Dockerfile" >"$WORK/before.Dockerfile"
(cd "$WORK/before-src" && "${BUD[@]}" -f "$WORK/before.Dockerfile" -t localhost/otpstream-before/api:debian .)

# 4. After: the current Dockerfile; base images through its ARGs, and only the apk lines changed
#    (zip is in the Debian build base; libstdc++6 is in Debian minbase, gcompat is moot on glibc;
#    addgroup/adduser -> groupadd/useradd with the same ids, home and shell-less user). The RocksDB
#    step still keeps the musl library, so the jar is byte-for-byte the one the Alpine image gets.
debianize() {
  python3 - "$1" "$2" <<'EOF'
import sys
src = open(sys.argv[1]).read()
reps = [
 ("RUN apk add --no-cache zip \\\n", "RUN command -v zip \\\n"),
 ("RUN apk add --no-cache libstdc++ gcompat \\\n && addgroup -S -g 10001 otp \\\n && adduser -S -D -H -u 10001 -G otp -h /var/lib/otpstream otp \\\n",
  "RUN test -e /usr/lib/x86_64-linux-gnu/libstdc++.so.6 \\\n && groupadd -r -g 10001 otp \\\n && useradd -r -M -u 10001 -g otp -d /var/lib/otpstream -s /usr/sbin/nologin otp \\\n"),
]
for a, b in reps:
    if src.count(a) != 1:
        sys.exit("the Dockerfile changed; update debianize: " + a.splitlines()[0])
    src = src.replace(a, b)
open(sys.argv[2], "w").write(src)
EOF
}
debianize "$REPO/deploy/docker/Dockerfile" "$WORK/after.Dockerfile"
for target in admin api processor dispatcher-sms dispatcher-email; do
  (cd "$REPO" && "${BUD[@]}" --build-arg BUILD_IMAGE=localhost/debian-jdk17-maven:bookworm \
     --build-arg RUNTIME_IMAGE=localhost/debian:bookworm -f "$WORK/after.Dockerfile" --target "$target" \
     -t "localhost/otpstream-after/$target:debian" .)
done

# 5. Smoke test (buildah run: podman run needs runc, which this sandbox refuses) and the sizes.
c=$(buildah from localhost/otpstream-after/api:debian)
help=$(buildah run --isolation chroot "$c" -- java -jar /app/otpstream.jar --help); echo "${help%%Commands:*}"
buildah rm "$c" >/dev/null

echo; podman images --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep -v '^<none>'
for img in localhost/debian:bookworm localhost/debian-jre17:bookworm localhost/otpstream-before/api:debian localhost/otpstream-after/api:debian; do
  echo; echo "== $img: $(podman image inspect "$img" --format '{{.Size}}') bytes uncompressed"
  podman history --format json "$img" | python3 -c '
import json, sys
for h in json.load(sys.stdin):
    if h["size"] > 0:
        print("  %12d  %s" % (h["size"], h.get("CreatedBy", h.get("created_by", ""))[:100]))'
  dir="$WORK/oci/$(echo "$img" | tr '/:' '__')"
  rm -rf "$dir"; mkdir -p "$WORK/oci"; podman push -q "$img" "oci:$dir" >/dev/null
  echo "  gzip-compressed (what a pull transfers): $(du -cb "$dir"/blobs/sha256/* | tail -1 | cut -f1) bytes;" \
       "largest blobs: $(stat -c %s "$dir"/blobs/sha256/* | sort -rn | head -4 | tr '\n' ' ')"
done
