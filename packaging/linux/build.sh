#!/bin/sh
# Makes the two Linux packages from the .tar.xz that `fyne package -os linux`
# wrote (binary, .desktop file, icon and a Makefile that installs them):
#   - the same archive, repacked with the files' times set to the commit's
#     (SOURCE_DATE_EPOCH), owned by root and sorted, so one commit always
#     gives the same bytes;
#   - a .deb of the same files under /usr, built with dpkg-deb.
# Usage: build.sh FYNE_TARXZ VERSION DEB_VERSION WORKDIR OUT_TARXZ OUT_DEB
set -eu
src=$1 version=$2 debversion=$3 work=$4 out_tar=$5 out_deb=$6
: "${SOURCE_DATE_EPOCH:?set SOURCE_DATE_EPOCH (the Makefile does)}"
here=$(cd "$(dirname "$0")" && pwd)

rm -rf "$work" && mkdir -p "$work/tar" "$work/deb"
work=$(cd "$work" && pwd)
tar -xJf "$src" -C "$work/tar"
top=$(ls "$work/tar")
root=$work/tar/$top
# fyne lays the files out under usr/local where the build machine has
# /usr/local, else under usr.
prefix=usr/local
[ -d "$root/$prefix" ] || prefix=usr
bin=$root/$prefix/bin/wsdoctor
desktop=$(ls "$root/$prefix/share/applications/"*.desktop)
icon=$(ls "$root/$prefix/share/pixmaps/"*.png)
appid=$(basename "$desktop" .desktop)

# fyne 1.7.2's Makefile names the icon without its .png; its install and
# uninstall would stop at a file that is not there.
sed -i "s|^Icon := \"$appid\"\$|Icon := \"$appid.png\"|" "$root/Makefile"

tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
	--mode='u+rwX,go+rX,go-w' -cf - -C "$work/tar" "$top" | xz -9 -T1 >"$out_tar"

# The .deb: the same binary, .desktop file and icon under /usr.
deb=$work/deb
install -Dm755 "$bin" "$deb/usr/bin/wsdoctor"
install -Dm644 "$desktop" "$deb/usr/share/applications/$appid.desktop"
install -Dm644 "$icon" "$deb/usr/share/icons/hicolor/512x512/apps/$appid.png"
install -Dm644 "$here/copyright" "$deb/usr/share/doc/wsdoctor/copyright"

# The libraries the binary links, as Debian package names (dpkg-shlibdeps
# wants a debian/control to read). GLFW opens more X libraries at run time;
# control.in names those.
mkdir -p "$work/shlibs/debian"
printf 'Source: wsdoctor\n\nPackage: wsdoctor\nArchitecture: amd64\n' >"$work/shlibs/debian/control"
depends=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$deb/usr/bin/wsdoctor" 2>"$work/shlibs/warnings" | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "build.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

size=$(du -sk "$deb/usr" | cut -f1)
mkdir -p "$deb/DEBIAN"
sed -e "s|@VERSION@|$debversion|" -e "s|@DEPENDS@|$depends|" -e "s|@SIZE@|$size|" \
	"$here/control.in" >"$deb/DEBIAN/control"
find "$deb" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$deb" "$out_deb" >/dev/null
echo "built $out_tar and $out_deb ($version)"
