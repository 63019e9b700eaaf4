#!/bin/sh
# Makes the console companion (wsdoctor-cli.exe) from the GUI program: the
# same bytes with the PE header's Subsystem field set from 2 (Windows GUI)
# to 3 (Windows console), which is all the linker's -H windowsgui changes.
# cmd.exe and PowerShell then wait for it, hand it their console, and see
# its exit code. Same code, icon, manifest and version resource, and no
# second cross-build.
# Usage: console-exe.sh GUI.exe OUT.exe
set -eu
in=$1 out=$2
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
u16() { od -An -tu2 -j "$2" -N2 "$1" | tr -d ' '; }
pe=$(u32 "$in" 60)
[ "$(od -An -c -j "$pe" -N4 "$in" | tr -d ' ')" = 'PE\0\0' ] || { echo "$in: not a PE file" >&2; exit 1; }
# The optional header follows the 4-byte signature and the 20-byte file
# header; Subsystem is at offset 68 in it, for PE32 and PE32+ alike.
sub=$((pe + 24 + 68))
[ "$(u16 "$in" "$sub")" = 2 ] || { echo "$in: Subsystem is $(u16 "$in" "$sub"), not 2 (GUI)" >&2; exit 1; }
cp "$in" "$out.tmp"
printf '\003' | dd of="$out.tmp" bs=1 seek="$sub" conv=notrunc status=none
mv "$out.tmp" "$out"
