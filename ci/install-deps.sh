#!/usr/bin/env bash
# Installs the Debian packages evalgate builds and tests with. Idempotent: packages already
# present are skipped, and apt is not touched at all when nothing is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libcli11-dev nlohmann-json3-dev libcurl4-openssl-dev libsqlite3-dev libeigen3-dev
  ninja-build libfmt-dev doctest-dev libyaml-cpp-dev libsimdjson-dev libcpp-httplib-dev libssl-dev
  libxml2-utils
)
# Extra packages a target needs beyond the build's (make fuzz: clang and libFuzzer's runtime).
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
