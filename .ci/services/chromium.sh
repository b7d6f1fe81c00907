# shellcheck shell=bash
# Debian's Chromium for the browser test of the HTML compliance report (test/report/browser.test.ts),
# which drives /usr/bin/chromium with playwright-core: Playwright's own browser download does not
# work on these machines. Sourced, not executed, by .ci/run before the tests.
#
# Because it is sourced it must not `exit`, must not `set -e` the caller and leaves no variables
# behind: everything runs inside a function with local variables. When Chromium cannot be installed
# it warns and returns; the browser test then skips itself and says why, and the rest of CI runs.
#
# By hand:  bash -c 'source .ci/services/chromium.sh'

ci_chromium_install() {
  local path=/usr/bin/chromium
  if [ -x "$path" ]; then
    echo "chromium.sh: $("$path" --version 2>/dev/null | head -n 1) at $path"
    return 0
  fi

  # apt-get needs root; sudo only when it can run without asking for a password.
  local -a as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
      as_root=(sudo -n)
    else
      echo "chromium.sh: no Chromium at $path and not root to install it; the browser test will be skipped" >&2
      return 0
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium.sh: no Chromium at $path and no apt-get to install it; the browser test will be skipped" >&2
    return 0
  fi

  echo "chromium.sh: installing Debian's chromium package"
  # The package lists may be missing or stale on a fresh machine: try as they are, then update once and retry.
  if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; then
    "${as_root[@]}" apt-get update -qq >/dev/null 2>&1 || true
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || true
  fi

  if [ -x "$path" ]; then
    echo "chromium.sh: installed $("$path" --version 2>/dev/null | head -n 1)"
  else
    echo "chromium.sh: apt-get install chromium failed; the browser test will be skipped" >&2
  fi
  return 0
}

ci_chromium_install
unset -f ci_chromium_install
