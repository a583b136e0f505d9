#!/usr/bin/env bash
# npm run setup:test — installs what the tests run (Debian packages): Chromium and its headless
# shell for the browser tests, FFmpeg, PulseAudio (a private sound server), iproute2 (network namespaces), nftables
# (lossy links between them), coturn (a TURN relay), PostgreSQL and Redis (the multi-node server
# tests start their own, on loopback).
# As root it installs them; otherwise it prints the command to run.
set -euo pipefail
need=()
command -v "${CHROMIUM_PATH:-chromium}" >/dev/null 2>&1 || need+=(chromium)
command -v "${CHROMIUM_HEADLESS_SHELL_PATH:-chromium-headless-shell}" >/dev/null 2>&1 || need+=(chromium-headless-shell)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v pulseaudio >/dev/null 2>&1 || need+=(pulseaudio)
command -v pactl >/dev/null 2>&1 || need+=(pulseaudio-utils)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v turnserver >/dev/null 2>&1 || need+=(coturn)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -eq 0 ]; then
  echo "setup:test: everything the tests need is here"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup:test: missing ${need[*]}; run: sudo apt-get update && sudo apt-get install -y ${need[*]}"
  exit 1
fi
echo "setup:test: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${need[@]}" >/dev/null
