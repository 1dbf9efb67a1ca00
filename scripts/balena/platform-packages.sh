#!/bin/sh
# Installs the runtime system packages of one balena device type (the image's runtime stage runs it
# with %%BALENA_MACHINE_NAME%%). `--print` only lists them (test/balena/image.test.ts uses it).
#
#   platform-packages.sh [--print] <balena-machine-name>
set -eu
print=0
if [ "${1:-}" = "--print" ]; then print=1; shift; fi
machine=${1:?usage: platform-packages.sh [--print] <balena-machine-name>}

# GStreamer and its software decoders (avdec_h264/avdec_h265 in gstreamer1.0-libav) everywhere;
# flock (util-linux) holds balena's update lock for host OS updates.
common="util-linux gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav libgstreamer1.0-0 libgstreamer-plugins-base1.0-0"

case "$machine" in
  jetson-orin-nano-devkit-nvme|jetson-orin-nx-xavier-nx-devkit)
    # NVIDIA's L4T r36 (JetPack 6, Orin = t234) GStreamer plugins: nvv4l2decoder and nvvidconv.
    # nvidia-l4t-core also provides /etc/nv_tegra_release, which the decoder choice reads.
    platform="nvidia-l4t-core nvidia-l4t-multimedia nvidia-l4t-multimedia-utils nvidia-l4t-gstreamer"
    repo="r36.4"; soc="t234" ;;
  raspberrypi4-64)
    # v4l2h264dec (the Pi 4's H.264 block, through V4L2) is in gstreamer1.0-plugins-good.
    platform="v4l-utils" ;;
  raspberrypi5|genericx86-64-ext)
    # Pi 5: no H.264 hardware decoder; x86: VA-API only when the host has a render node (vah264dec, plugins-bad).
    platform="" ;;
  *)
    echo "platform-packages.sh: unsupported device type '$machine' (see balena.yml)" >&2
    exit 2 ;;
esac

if [ "$print" = 1 ]; then
  echo "$common $platform"
  exit 0
fi

if [ -n "${repo:-}" ]; then
  install_packages ca-certificates gnupg curl
  curl -fsSL https://repo.download.nvidia.com/jetson/jetson-ota-public.asc | gpg --dearmor -o /usr/share/keyrings/nvidia-jetson.gpg
  echo "deb [signed-by=/usr/share/keyrings/nvidia-jetson.gpg] https://repo.download.nvidia.com/jetson/common $repo main" > /etc/apt/sources.list.d/nvidia-l4t.list
  echo "deb [signed-by=/usr/share/keyrings/nvidia-jetson.gpg] https://repo.download.nvidia.com/jetson/$soc $repo main" >> /etc/apt/sources.list.d/nvidia-l4t.list
  # The L4T packages must not try to flash the bootloader from inside a container.
  mkdir -p /opt/nvidia/l4t-packages && touch /opt/nvidia/l4t-packages/.nv-l4t-disable-boot-fw-update-in-preinstall
fi
# shellcheck disable=SC2086
install_packages $common $platform
