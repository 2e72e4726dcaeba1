#!/usr/bin/env bash
# Installs the Debian packages the PDF stage and its tests need, when they are missing:
# the open CJK fonts and poppler-utils (pdftotext, pdffonts, pdfinfo for the tests).
# With `office`, also what the tests check the other formats with: LibreOffice Writer and
# Calc (DOCX, XLSX), xmllint (libxml2-utils: the OFD parts against the standard's schemas)
# and Chromium (the browser test of `gongwen serve`).
# The open 仿宋 and 楷体 (FandolFang, FandolKai) are taken out of the Debian package
# texlive-lang-chinese without installing TeX: the package is downloaded, unpacked in a
# scratch folder, and only the two font files and their licence are kept.
set -euo pipefail

fandol_files=(FandolFang-Regular.otf FandolKai-Regular.otf)
if [ "$(id -u)" -eq 0 ]; then
  fandol_dir=/usr/local/share/fonts/fandol
else
  fandol_dir="${HOME:-/tmp}/.local/share/fonts/fandol"
fi

install_fandol() {
  local f have=1
  for f in "${fandol_files[@]}"; do
    [ -f "$fandol_dir/$f" ] || have=0
  done
  [ "$have" -eq 1 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
    echo "gongwen: FandolFang/FandolKai not found; without apt-get, copy ${fandol_files[*]} into $fandol_dir" >&2
    return 0
  fi
  local scratch
  scratch=$(mktemp -d)
  # apt's download user must be able to write the folder.
  chmod 777 "$scratch"
  echo "gongwen: installing FandolFang and FandolKai (from texlive-lang-chinese, without TeX) into $fandol_dir" >&2
  if ! (cd "$scratch" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1); then
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq
    fi
    if ! (cd "$scratch" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1); then
      echo "gongwen: cannot download texlive-lang-chinese; the body falls back to Noto Serif CJK (宋体-like)" >&2
      rm -rf "$scratch"
      return 0
    fi
  fi
  dpkg-deb -x "$scratch"/texlive-lang-chinese_*.deb "$scratch/unpacked"
  mkdir -p "$fandol_dir"
  for f in "${fandol_files[@]}"; do
    cp "$scratch/unpacked/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/$f" "$fandol_dir/"
  done
  cp "$scratch"/unpacked/usr/share/doc/texlive-doc/fonts/fandol/{COPYING.gz,README} "$fandol_dir/" 2>/dev/null || true
  rm -rf "$scratch"
  # LibreOffice finds fonts through fontconfig.
  if command -v fc-cache >/dev/null 2>&1; then fc-cache -f "$fandol_dir" >/dev/null 2>&1 || true; fi
}
packages=(fonts-noto-cjk fonts-arphic-ukai poppler-utils)
if [ "${1:-}" = office ]; then
  packages+=(libreoffice-writer-nogui libreoffice-calc-nogui libxml2-utils chromium)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  command -v pdftotext >/dev/null 2>&1 && { [ "${1:-}" != office ] || command -v soffice >/dev/null 2>&1; } && exit 0
  echo "gongwen: this is not a Debian-like system; install the equivalents of: ${packages[*]}" >&2
  echo "  (Noto Serif/Sans CJK SC, AR PL UKai, and poppler's pdftotext/pdffonts/pdfinfo)" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  install_fandol
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "gongwen: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "gongwen: installing ${missing[*]} with sudo" >&2
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "gongwen: missing Debian packages: ${missing[*]}" >&2
  echo "  install them as root with: apt-get install ${missing[*]}" >&2
  exit 1
fi
install_fandol
