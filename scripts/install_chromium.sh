#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright's own browser download is not
# used). Install it with apt-get if it is missing; refresh the package lists only if
# the first attempt fails, so a machine with a warm cache needs no network for this.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
        SUDO="sudo"
    else
        echo "Chromium is missing and installing it needs root: run 'apt-get install chromium' as root." >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
install() { $SUDO apt-get install -y --no-install-recommends chromium; }

echo "Installing Debian's Chromium for the browser tests…"
if ! install; then
    $SUDO apt-get update
    install
fi
"$CHROMIUM" --version
