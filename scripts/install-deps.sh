#!/usr/bin/env bash
# Installs the Debian packages the PDF stage and its tests need, when they are missing:
# the open CJK fonts and poppler-utils (pdftotext, pdffonts, pdfinfo for the tests).
# With `office`, also LibreOffice Writer and Calc, which the tests open DOCX and XLSX with.
set -euo pipefail
packages=(fonts-noto-cjk fonts-arphic-ukai poppler-utils)
if [ "${1:-}" = office ]; then
  packages+=(libreoffice-writer-nogui libreoffice-calc-nogui)
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
[ ${#missing[@]} -eq 0 ] && exit 0

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
