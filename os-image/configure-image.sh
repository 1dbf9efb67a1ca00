#!/usr/bin/env bash
# Produce a ready-to-flash balenaOS image for one device type of the fleet, with the current release
# preloaded so a box in a shop with a slow uplink starts counting before its first download finishes.
# With --claim-code and --cloud-url the box is pre-registered in the fleet and those two become its
# balena device variables (CLAIM_CODE, CLOUD_URL) before it is ever switched on: on first boot it claims
# itself to its site without anyone typing. Needs the balena CLI (logged in) and, for preload, Docker.
#
#   os-image/configure-image.sh <fleet> <device-type> [--claim-code CODE --cloud-url URL]
#                               [--opening-hours "Mon-Sat 09:00-19:00"] [--wifi SSID KEY] [--no-preload]
#   e.g. os-image/configure-image.sh acme/cva raspberrypi4-64 --claim-code K7QM-2XWP --cloud-url https://hq.acme.example
set -euo pipefail
usage() { sed -n '7,9p' "$0" >&2; exit 2; }
fleet=${1:-}; device_type=${2:-}
[ -n "$fleet" ] && [ -n "$device_type" ] || usage
shift 2
claim_code=""; cloud_url=""; opening_hours=""; wifi_ssid=""; wifi_key=""; preload=1
while [ $# -gt 0 ]; do
  case "$1" in
    --claim-code) claim_code=${2:?--claim-code needs a value}; shift 2 ;;
    --cloud-url) cloud_url=${2:?--cloud-url needs a value}; shift 2 ;;
    --opening-hours) opening_hours=${2:?--opening-hours needs a value}; shift 2 ;;
    --wifi) wifi_ssid=${2:?--wifi needs SSID and KEY}; wifi_key=${3:?--wifi needs SSID and KEY}; shift 3 ;;
    --no-preload) preload=0; shift ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
if { [ -n "$claim_code" ] && [ -z "$cloud_url" ]; } || { [ -z "$claim_code" ] && [ -n "$cloud_url" ]; }; then
  echo "--claim-code and --cloud-url go together" >&2; exit 2
fi
# The same rule the appliance applies (8 characters without look-alikes; dashes and spaces ignored).
if [ -n "$claim_code" ]; then
  normalised=$(printf '%s' "$claim_code" | tr -d ' -' | tr '[:lower:]' '[:upper:]')
  printf '%s' "$normalised" | grep -Eq '^[A-HJKMNP-Z2-9]{8}$' || { echo "claim code '$claim_code' is not 8 letters/digits from the claim alphabet" >&2; exit 2; }
  case "$cloud_url" in http://*|https://*) ;; *) echo "--cloud-url must be an http(s) URL" >&2; exit 2 ;; esac
fi

out=${OUT_DIR:-$(pwd)/os-image/out}
mkdir -p "$out"
image="$out/cva-$device_type${claim_code:+-$normalised}.img"
command -v balena >/dev/null || { echo "balena CLI not found: see https://docs.balena.io/reference/balena-cli/" >&2; exit 1; }

network=(--config-network ethernet)
[ -n "$wifi_ssid" ] && network=(--config-network wifi --config-wifi-ssid "$wifi_ssid" --config-wifi-key "$wifi_key")

balena os download "$device_type" --version default --output "$image"
if [ -n "$claim_code" ]; then
  # Pre-register the device: its UUID exists in the fleet before first boot, so device variables can be
  # set now, and the image is configured for exactly this device (balena os configure --device).
  uuid=$(openssl rand -hex 16)
  balena device register "$fleet" --uuid "$uuid" --deviceType "$device_type"
  balena env set CLAIM_CODE "$normalised" --device "$uuid"
  balena env set CLOUD_URL "$cloud_url" --device "$uuid"
  [ -n "$opening_hours" ] && balena env set CVA_OPENING_HOURS "$opening_hours" --device "$uuid"
  balena os configure "$image" --device "$uuid" --version default "${network[@]}"
  echo "$uuid $device_type $normalised $cloud_url" >> "$out/registered-devices.txt"
  echo "pre-registered device $uuid (listed in $out/registered-devices.txt)"
else
  balena os configure "$image" --fleet "$fleet" --device-type "$device_type" --version default "${network[@]}"
fi
[ "$preload" = 1 ] && balena preload "$image" --fleet "$fleet" --commit current --pin-device-to-release=false
echo "flash $image with balenaEtcher (or: balena local flash $image)"
