#!/usr/bin/env bash
# Produce a ready-to-flash balenaOS image for one device type of the fleet, with the current release
# preloaded so a box in a shop with a slow uplink starts counting before its first download finishes.
# Needs the balena CLI (logged in) and, for preload, a Docker engine on the machine that runs it.
#
#   os-image/configure-image.sh <fleet> <device-type> [wifi-ssid wifi-key]
#   e.g. os-image/configure-image.sh myorg/cva raspberrypi4-64
set -euo pipefail
fleet=${1:?usage: $0 <fleet> <device-type> [wifi-ssid wifi-key]}
device_type=${2:?usage: $0 <fleet> <device-type> [wifi-ssid wifi-key]}
out=${OUT_DIR:-$(pwd)/os-image/out}
mkdir -p "$out"
image="$out/cva-$device_type.img"

command -v balena >/dev/null || { echo "balena CLI not found: see https://docs.balena.io/reference/balena-cli/" >&2; exit 1; }

balena os download "$device_type" --version default --output "$image"
if [ $# -ge 4 ]; then
  balena os configure "$image" --fleet "$fleet" --device-type "$device_type" \
    --config-network wifi --config-wifi-ssid "$3" --config-wifi-key "$4"
else
  balena os configure "$image" --fleet "$fleet" --device-type "$device_type" --config-network ethernet
fi
balena preload "$image" --fleet "$fleet" --commit current --pin-device-to-release=false
echo "flash $image with balenaEtcher (or: balena local flash $image)"
