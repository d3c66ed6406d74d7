#!/usr/bin/env bash
# Installs every Debian package modesweep needs to build, test, benchmark and plot.
# Idempotent: packages already present are skipped; safe to run on every build.
set -euo pipefail

packages=(
  build-essential cmake ninja-build git pkg-config
  libtrilinos-kokkos-dev
  libopenmpi-dev openmpi-bin libboost-mpi-dev
  libhdf5-openmpi-dev hdf5-tools
  libgtest-dev libbenchmark-dev
  libcli11-dev libtomlplusplus-dev libfmt-dev librandom123-dev libboost-math-dev libboost-random-dev
  python3-numpy python3-h5py python3-matplotlib python3-scipy python3-mpmath
  python3-xarray python3-h5netcdf
  slurm-wlm munge
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "setup: installing ${#missing[@]} package(s): ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
