# Shared by scripts/demo and scripts/test (sourced, not run): the .venv and system packages.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"

say() { printf '%s\n' "dangbo: $*" >&2; }
die() {
    say "$*"
    exit 1
}

# Run a command as root: directly, or through passwordless sudo. Fails when neither works.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}

can_be_root() {
    [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
}

apt_install() {
    command -v apt-get >/dev/null 2>&1 || return 1
    can_be_root || return 1
    say "installing Debian packages: $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# The system parts of the PDFs (WeasyPrint needs pango; Times New Roman is Liberation Serif on
# Debian). Best effort: without root the documents still come out, in a fallback serif.
ensure_document_fonts() {
    local need=()
    ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || need+=(libpango-1.0-0 libpangoft2-1.0-0)
    # Liberation Serif 2 (Times New Roman's metric twin) has the Vietnamese letters; 1.x does not.
    fc-list :lang=vi family 2>/dev/null | grep -q 'Liberation Serif' || need+=(fonts-liberation2 fontconfig)
    [ "${#need[@]}" -eq 0 ] && return 0
    apt_install "${need[@]}" >/dev/null ||
        say "NOTICE: could not install ${need[*]} (needs root): PDFs may use a fallback font."
}

# Create .venv when missing (or broken) and `pip install -e .[EXTRAS]` when pyproject.toml
# changed since the last install: a second run starts in a second, not a minute.
ensure_venv() {
    local extras="${1:-}" spec="." stamp want
    command -v "$PYTHON" >/dev/null 2>&1 || apt_install python3 python3-venv ||
        die "python3 (>= 3.11) is needed: apt-get install python3 python3-venv"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        die "Python >= 3.11 is needed; $("$PYTHON" --version 2>&1) found (set PYTHON=...)."
    if [ ! -x "$VENV/bin/python" ] || [ ! -x "$VENV/bin/pip" ]; then
        rm -rf "$VENV"
        if ! "$PYTHON" -m venv "$VENV" >/dev/null 2>&1; then
            # Debian ships venv's pip bootstrap separately.
            rm -rf "$VENV"
            apt_install python3-venv ||
                die "python3 -m venv failed: install Debian's python3-venv (as root) and retry."
            "$PYTHON" -m venv "$VENV" || die "python3 -m venv failed."
        fi
    fi
    [ -n "$extras" ] && spec=".[$extras]"
    want="$(sha256sum <"$ROOT/pyproject.toml" | cut -d' ' -f1)"
    stamp="$VENV/.dangbo-installed-${extras:-base}"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    # The test extra contains everything the base install needs.
    if [ -z "$extras" ] && [ -f "$VENV/.dangbo-installed-test" ] &&
        [ "$(cat "$VENV/.dangbo-installed-test")" = "$want" ]; then
        return 0
    fi
    say "installing dangbo${extras:+ with [$extras]} into .venv (pip install -e '$spec')…"
    (cd "$ROOT" && "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$spec") ||
        die "pip install failed (see above)."
    printf '%s\n' "$want" >"$stamp"
}
