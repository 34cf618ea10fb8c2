#!/usr/bin/env bash
# TuffOps Desktop developer entry point: the two commands of README.md.
#   ./dev.sh app    set up (first time) and open the desktop app on demo data
#   ./dev.sh test   set up (first time) and run the whole test suite
# Debian packages are installed when missing (as root, or with sudo); the Python
# environment lives in .venv and is rebuilt when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
# Qt runtime, fonts, a virtual X server, PostgreSQL for the tests, PDF and QR checks,
# NSIS and Wine (the tests compile the Windows installer and run it: install, upgrade, uninstall).
DEBIAN_PACKAGES=(
  postgresql
  fonts-dejavu-core
  libegl1 libgl1 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0 libx11-6 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1
  xvfb xauth poppler-utils zbar-tools
  nsis wine64
)
# Only for benchmarks and visual checks (not needed by the tests): wrk chromium

ensure_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0   # not Debian: see README for what to install
  local missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {
  if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    echo "TuffOps Desktop needs Python 3.11 or newer ($PYTHON is $("$PYTHON" --version 2>&1))." >&2
    exit 1
  fi
  if [ ! -x .venv/bin/python ] || [ pyproject.toml -nt .venv/.installed ]; then
    echo "Setting up the Python environment in .venv …"
    "$PYTHON" -m venv .venv
    if ! .venv/bin/python -m pip install --disable-pip-version-check -e '.[dev]' > .venv/pip-install.log 2>&1; then
      cat .venv/pip-install.log >&2
      echo "Installing the Python packages failed (log above, also in .venv/pip-install.log)." >&2
      exit 1
    fi
    .venv/bin/python -c "import tuffops_desktop, PySide6, sqlalchemy, psycopg, jinja2"
    touch .venv/.installed
  fi
}

case "${1:-}" in
  app)
    shift
    ensure_debian_packages
    ensure_venv
    .venv/bin/tuffops "$@" demo --if-empty
    exec .venv/bin/tuffops "$@"
    ;;
  test)
    shift
    ensure_debian_packages
    ensure_venv
    # Most of the suite waits (servers, timers, subprocesses) rather than computes: three
    # workers, each module on one worker (its database fixtures are built once there).
    exec .venv/bin/python -m pytest -n "${TUFFOPS_TEST_WORKERS:-3}" --dist loadfile "$@"
    ;;
  *)
    echo "usage: ./dev.sh app | ./dev.sh test [pytest options]" >&2
    exit 2
    ;;
esac
