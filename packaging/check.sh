#!/bin/sh
# Checks the packages `make package` built, as far as Linux can: what each
# holds, that the Linux binary runs and reports the version it was stamped
# with, that both Linux packages install into and uninstall from a scratch
# root leaving nothing behind, and the PE headers of the Windows programs.
# Usage: check.sh VERSION TARXZ DEB EXE INSTALLER CLI_EXE ZIP
set -eu
version=$1 tarxz=$2 deb=$3 exe=$4 setup=$5 cliexe=$6 zip=$7
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { # check DESCRIPTION COMMAND...: passes when COMMAND succeeds
	what=$1; shift
	if out=$("$@" 2>&1); then ok "$what"; else bad "$what"; printf '%s\n' "$out" | sed 's/^/     /'; fi
}
has() { grep -q -- "$1" "$2"; }      # has PATTERN FILE
lacks() { ! grep -q -- "$1" "$2"; }  # lacks PATTERN FILE

echo "== $tarxz ($(du -h "$tarxz" | cut -f1))"
tar -tJvf "$tarxz" | tee "$work/tar.txt" | sed 's/^/     /'
for f in /Makefile /bin/wsdoctor '/share/applications/.*\.desktop' '/share/pixmaps/.*\.png'; do
	check "archive has $f" has "$f\$" "$work/tar.txt"
done
check "archive files are owned by root" lacks -v ' 0/0 ' "$work/tar.txt"
mkdir "$work/tar" && tar -xJf "$tarxz" -C "$work/tar"
top=$work/tar/$(ls "$work/tar")
tbin=$(find "$top" -path '*/bin/wsdoctor')
tdesk=$(find "$top" -name '*.desktop')
"$tbin" version >"$work/tar-version.txt" 2>&1 || true
check "archive's binary prints version $version: $(cat "$work/tar-version.txt")" has "^wsdoctor $version (" "$work/tar-version.txt"
check "archive's .desktop passes desktop-file-validate" desktop-file-validate "$tdesk"
check "archive's .desktop: Categories=Network;Utility;" has '^Categories=Network;Utility;$' "$tdesk"
mkdir -p "$work/troot/usr/local"
check "archive installs with its Makefile" make -s -C "$top" install DESTDIR="$work/troot"
find "$work/troot" -type f | sed "s|$work/troot||" >"$work/tar-installed.txt"
check "archive installed the binary, .desktop and icon: $(tr '\n' ' ' <"$work/tar-installed.txt")" test "$(wc -l <"$work/tar-installed.txt")" -eq 3
check "installed binary runs" "$work/troot/usr/local/bin/wsdoctor" version
check "archive uninstalls with its Makefile" make -s -C "$top" uninstall DESTDIR="$work/troot"
check "nothing is left after uninstall" test -z "$(find "$work/troot" -type f)"

echo "== $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb -c "$deb" | tee "$work/deb.txt" | sed 's/^/     /'
dpkg-deb -f "$deb" | tee "$work/control.txt" | sed 's/^/     /'
for f in ./usr/bin/wsdoctor './usr/share/applications/.*\.desktop' './usr/share/icons/hicolor/512x512/apps/.*\.png' ./usr/share/doc/wsdoctor/copyright; do
	check "deb has $f" has " $f\$" "$work/deb.txt"
done
check "deb files are owned by root" lacks -v ' root/root ' "$work/deb.txt"
debversion=$(dpkg-deb -f "$deb" Version)
check "deb Version $debversion is the build's" test "$debversion" = "$(echo "$version" | tr - '~')"
for p in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*//; s/|.*//'); do
	check "deb dependency $p is a Debian package (installed here)" dpkg-query -W "$p"
done
r=$work/droot
mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$r/var/lib/dpkg/triggers"
touch "$r/var/lib/dpkg/status" "$r/var/lib/dpkg/available"
# A scratch root has no libc6 and friends recorded: dependencies are
# checked above against this machine instead.
check "deb installs (dpkg --root)" dpkg --root="$r" --force-depends --force-script-chrootless -i "$deb"
"$r/usr/bin/wsdoctor" version >"$work/deb-version.txt" 2>&1 || true
check "deb's binary prints version $version: $(cat "$work/deb-version.txt")" has "^wsdoctor $version (" "$work/deb-version.txt"
check "deb's .desktop passes desktop-file-validate" desktop-file-validate "$(find "$r/usr/share/applications" -name '*.desktop')"
check "deb removes (dpkg --purge)" dpkg --root="$r" --force-script-chrootless --purge wsdoctor
check "nothing is left after removal" test -z "$(find "$r/usr" -type f 2>/dev/null)"

echo "== $exe ($(du -h "$exe" | cut -f1))"
file "$exe" | tee "$work/exe-file.txt" | sed 's/^/     /'
check "exe is a PE32+ GUI x86-64 program" has 'PE32+ executable (GUI) x86-64' "$work/exe-file.txt"
x86_64-w64-mingw32-objdump -p "$exe" >"$work/exe-pe.txt"
grep -E '^(Magic|Subsystem|MajorSubsystemVersion)|DLL Name' "$work/exe-pe.txt" | sed 's/^/     /'
check "exe header: Magic 020b (PE32+)" has '^Magic[[:space:]]*020b' "$work/exe-pe.txt"
check "exe header: Subsystem 2 (Windows GUI)" has '^Subsystem[[:space:]]*00000002' "$work/exe-pe.txt"
check "exe needs only Windows' own DLLs (no MinGW runtime DLL beside it)" lacks 'DLL Name: lib' "$work/exe-pe.txt"
x86_64-w64-mingw32-objdump -h "$exe" >"$work/exe-sections.txt"
check "exe has a resource section (icon, manifest, version)" has ' \.rsrc ' "$work/exe-sections.txt"
strings -el "$exe" >"$work/exe-strings.txt"
check "exe version resource names WebSocket Doctor" has '^WebSocket Doctor$' "$work/exe-strings.txt"
check "exe version resource has the file version" has "^$(echo "$version" | sed -n 's/^\([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p')\.[0-9]" "$work/exe-strings.txt"
check "exe is stamped with version $version" grep -qaF "$version" "$exe"

echo "== $cliexe ($(du -h "$cliexe" | cut -f1))"
x86_64-w64-mingw32-objdump -p "$cliexe" >"$work/cli-pe.txt"
check "console companion header: Subsystem 3 (Windows console)" has '^Subsystem[[:space:]]*00000003' "$work/cli-pe.txt"
check "console companion is the program with another Subsystem (2 bytes differ at most)" test "$(cmp -l "$exe" "$cliexe" | wc -l)" -le 2

echo "== $zip ($(du -h "$zip" | cut -f1))"
unzip -l "$zip" | tee "$work/zip.txt" | sed 's/^/     /'
check "zip holds wsdoctor.exe and wsdoctor-cli.exe" sh -c "grep -q ' wsdoctor.exe\$' '$work/zip.txt' && grep -q ' wsdoctor-cli.exe\$' '$work/zip.txt'"

echo "== $setup ($(du -h "$setup" | cut -f1))"
file "$setup" | tee "$work/setup-file.txt" | sed 's/^/     /'
# file(1) names only 32-bit NSIS installers; every one holds NSIS's header
# magic.
check "installer is an NSIS installer (NullsoftInst header)" grep -qa 'NullsoftInst' "$setup"
check "installer is 64-bit (PE32+), as the app" has 'PE32+ executable' "$work/setup-file.txt"
x86_64-w64-mingw32-objdump -p "$setup" >"$work/setup-pe.txt"
grep -E '^(Magic|Subsystem)' "$work/setup-pe.txt" | sed 's/^/     /'
check "installer header: Subsystem 2 (Windows GUI)" has '^Subsystem[[:space:]]*00000002' "$work/setup-pe.txt"
strings "$setup" >"$work/setup-strings.txt"
check "installer asks for no administrator (asInvoker)" has 'level="asInvoker"' "$work/setup-strings.txt"
strings -el "$setup" >"$work/setup-wstrings.txt"
check "installer version resource has $version" has "^$version\$" "$work/setup-wstrings.txt"
check "installer is larger than a bare NSIS stub (holds the program)" test "$(wc -c <"$setup")" -gt 5000000

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
