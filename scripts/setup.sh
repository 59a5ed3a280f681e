#!/usr/bin/env bash
# Installs what building (and, with `test`, testing) RateMyDerp needs, skipping whatever is
# already there. Usage: scripts/setup.sh [build|test]
set -euo pipefail
cd "$(dirname "$0")/.."

want="${1:-build}"
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.10
CARGO_DENY_VERSION=0.20.2
# Debian's wasm-opt (binaryen 108) produces WebAssembly that fails in the browser.
WASM_OPT_MIN_VERSION=116

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
ok() { printf '    %s\n' "$*"; }
fail() { printf '\033[31mxx  %s\033[0m\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

apt_install() {
  # $@: Debian packages. Installs them as root; otherwise says what to run.
  if is_root; then
    if [ ! -f /tmp/.rmd-apt-updated ] || [ -n "$(find /tmp/.rmd-apt-updated -mmin +1440)" ]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq && touch /tmp/.rmd-apt-updated
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    fail "Please install the Debian packages $* (as root: apt-get install $*), then run this again."
  fi
}

step "Rust toolchain and the wasm32 target"
command -v rustup >/dev/null || fail "Please install Rust with rustup (https://rustup.rs), then run this again."
# rust-toolchain.toml names the version and the target; this installs them when missing.
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  ok "wasm32-unknown-unknown is installed"
else
  rustup target add wasm32-unknown-unknown
fi

step "C compiler"
command -v cc >/dev/null && ok "$(cc --version | head -n1)" || apt_install build-essential

cargo_tool() {
  # $1: crate (cargo-<name>), $2: version, $3: how long building it takes. Installs it unless
  # `cargo <name> --version` already says that version.
  local subcommand=${1#cargo-}
  if [ "$(cargo "$subcommand" --version 2>/dev/null | awk '{print $2}')" = "$2" ]; then
    ok "installed"
  else
    ok "building it ($3, once)"
    cargo install "$1" --version "$2" --locked
  fi
}

step "cargo-leptos $CARGO_LEPTOS_VERSION"
cargo_tool cargo-leptos "$CARGO_LEPTOS_VERSION" "about 30 minutes on 2 cores"

step "wasm-bindgen CLI matching Cargo.lock"
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
[ -n "$wasm_bindgen_version" ] || fail "Cargo.lock names no wasm-bindgen version; run 'cargo generate-lockfile'."
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" = "$wasm_bindgen_version" ]; then
  ok "wasm-bindgen $wasm_bindgen_version is installed"
else
  ok "building wasm-bindgen-cli $wasm_bindgen_version (a few minutes)"
  # Without --locked: its lockfile names a crate version that is no longer published.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

step "wasm-opt (binaryen $WASM_OPT_MIN_VERSION or newer)"
wasm_opt_version=$("$HOME/.cargo/bin/wasm-opt" --version 2>/dev/null | awk '{print $3}' || true)
if [ -n "$wasm_opt_version" ] && [ "$wasm_opt_version" -ge "$WASM_OPT_MIN_VERSION" ] 2>/dev/null; then
  ok "wasm-opt $wasm_opt_version is installed"
else
  ok "building wasm-opt (about 13 minutes, once)"
  cargo install wasm-opt --locked
fi

step "PostgreSQL server programs (for the embedded database)"
if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || command -v postgres >/dev/null; then
  ok "found"
else
  apt_install postgresql
fi

if [ "$want" = "test" ]; then
  step "cargo-deny $CARGO_DENY_VERSION (licences and sources, in make lint)"
  cargo_tool cargo-deny "$CARGO_DENY_VERSION" "a few minutes"

  step "Chromium for the end-to-end tests"
  if [ -x /usr/bin/chromium ]; then
    ok "$(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
  else
    apt_install chromium chromium-driver
  fi

  step "slowhttptest (slow-client attacks on loopback)"
  if command -v slowhttptest >/dev/null; then ok "installed"; else apt_install slowhttptest; fi

  step "Python's lxml (the Atom feed validator, end2end/feeds/validate_atom.py)"
  if python3 -c 'import lxml' 2>/dev/null; then
    ok "installed"
  else
    apt_install python3-lxml
    # A python3 other than Debian's (pyenv, say) does not see Debian's package.
    python3 -c 'import lxml' 2>/dev/null || python3 -m pip install --quiet lxml
  fi

  step "InfluxDB (the KPI export is tested against a real one on loopback)"
  if command -v influxd >/dev/null; then ok "installed"; else apt_install influxdb; fi

  step "Node.js and npm"
  if command -v npm >/dev/null; then ok "node $(node --version), npm $(npm --version)"; else apt_install nodejs npm; fi

  step "End-to-end test packages (end2end/node_modules)"
  if [ -d end2end/node_modules/@playwright/test ] && [ end2end/node_modules/.package-lock.json -nt end2end/package-lock.json ]; then
    ok "installed"
  else
    # Playwright must not download its own browsers: Debian's Chromium is used instead.
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
fi

step "Set-up complete"
