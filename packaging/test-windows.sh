#!/bin/bash
# Runs the packaged Windows programs under Wine and checks what they do:
# checks against the Linux `wsdoctor serve` on loopback (ws://, wss:// with
# --ca, a closed port, a bad address), the Windows proxy settings written
# into the registry with `wine reg add` (each read by `env --json` and taken
# by `check` through a real squid on loopback), the console companion's
# exit codes through cmd.exe, the NSIS installer and its uninstaller, a
# preset beside the portable exe, one built in and one added by `preset
# embed`, the signatures, and the window on Xvfb (a screenshot).
#
# Usage: test-windows.sh VERSION LINUX_TARXZ EXE CLI_EXE INSTALLER
# Optional, from the environment:
#   VARIANT_INSTALLER  an installer built with PRESET=VARIANT_PRESET and signed
#   VARIANT_PRESET     that preset
#   SIGN_CA            the CA certificate (PEM) of the test signing key
#   SCREENSHOT         where to save the screenshot of the window
#
# Everything runs in a throw-away Wine prefix (WINEPREFIX=$(mktemp -d));
# every network connection goes to 127.0.0.1. Needs wine, wine64, squid,
# python3 (the PAC file's web server), openssl, jq, Xvfb, ImageMagick,
# x11-utils, MinGW-w64 (for the ProcessPrng shim) and osslsigncode.
set -u
version=$1 tarxz=$2 exe=$3 cliexe=$4 setup=$5
here=$(cd "$(dirname "$0")" && pwd)
start=$(date +%s)
work=$(mktemp -d /tmp/wsdoctor-wine.XXXXXX)
chmod 755 "$work"
export WINEPREFIX=$work/prefix WINEDEBUG=-all WINEARCH=win64
# No Mono or Gecko install dialogs: the programs under test need neither.
export WINEDLLOVERRIDES='mscoree,mshtml='
unset DISPLAY http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	[ -d "$WINEPREFIX" ] && wineserver -k 2>/dev/null
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
show() { sed 's/^/     /' "$@" | head -40; }
# expect DESCRIPTION COMMAND...: passes when COMMAND succeeds.
expect() {
	what=$1; shift
	if "$@"; then ok "$what"; else bad "$what"; [ -s "$work/out" ] && show "$work/out"; [ -s "$work/err" ] && show "$work/err"; fi
}
# jqt FILTER: the last output holds JSON for which FILTER is true.
jqt() { jq -e "$1" "$work/out" >/dev/null 2>&1; }
# zpath PATH: the Windows name of a Linux path (Wine's drive Z: is /).
zpath() { printf 'Z:%s' "$1" | tr / '\\'; }
# run TIMEOUT PROGRAM ARGS...: runs a Windows program; rc is its exit code,
# $work/out and $work/err its output.
run() {
	t=$1; shift
	rc=0
	timeout "$t" wine "$@" >"$work/out" 2>"$work/err" </dev/null || rc=$?
}
# freeport: a port below the kernel's ephemeral range (so no outgoing
# connection of this machine can take it meanwhile) that no socket uses in
# any state, and that this script has not handed out before ($work/ports,
# since each $(freeport) runs in a subshell).
freeport() {
	local lo p
	lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)
	[ "$lo" -gt 21000 ] || lo=32768 # an unusual range: stay below the usual one
	while :; do
		p=$((20000 + RANDOM % (lo - 20000)))
		grep -qx "$p" "$work/ports" 2>/dev/null && continue
		[ -z "$(ss -Htan "sport = :$p or dport = :$p")" ] || continue
		echo "$p" >>"$work/ports"
		echo "$p"
		return
	done
}
# waitport PORT: up to 60 s for something to listen on 127.0.0.1:PORT.
waitport() {
	for _ in $(seq 600); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "nothing listens on 127.0.0.1:$1" >&2
	return 1
}
elapsed() { echo "$(($(date +%s) - start)) s"; }
# openwindow LANG: starts the window in LANG on $DISPLAY; gui is its
# process, win its X window (empty if none showed within 60 s).
openwindow() {
	wine "$exe" --lang "$1" >"$work/gui.log" 2>&1 &
	gui=$!
	pids+=($gui)
	win=
	for _ in $(seq 120); do
		win=$(xwininfo -root -tree 2>/dev/null | grep '"WebSocket Doctor"' | awk '{print $1}' | head -1)
		[ -n "$win" ] && break
		sleep 0.5
	done
}
# want SECTION: SECTION (checks, proxy, console, presets, install, msi,
# variant, window, fit) is not in SKIP, a list for quicker runs while
# working on the script.
want() { case " ${SKIP:-} " in *" $1 "*) echo "== $1: skipped (SKIP)"; return 1 ;; esac; }

echo "== Wine prefix $WINEPREFIX"
wine --version
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$work/bcryptprimitives.dll" "$here/windows/processprng.c" -ladvapi32 || exit 1
wine wineboot -i >"$work/wineboot.log" 2>&1 || { show "$work/wineboot.log"; exit 1; }
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
winuser=$(ls "$WINEPREFIX/drive_c/users" | grep -v -x Public | head -1)
echo "     prefix ready after $(elapsed), user $winuser"

echo "== Loopback servers"
mkdir -p "$work/linux" && tar -xJf "$tarxz" -C "$work/linux"
linux=$(find "$work/linux" -path '*/bin/wsdoctor' | head -1)
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=wsdoctor wine test CA' \
	-keyout "$work/ca.key" -out "$work/ca.pem" -addext basicConstraints=critical,CA:TRUE 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj '/CN=echo.wsd.test' -keyout "$work/srv.key" -out "$work/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:echo.wsd.test,DNS:echo.skip.test,DNS:wsdtarget\n' >"$work/san.ext"
openssl x509 -req -in "$work/srv.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
	-extfile "$work/san.ext" -out "$work/srv.pem" 2>/dev/null
wsport=$(freeport)
"$linux" serve --addr "127.0.0.1:$wsport" >"$work/serve-ws.log" 2>&1 &
pids+=($!)
wssport=$(freeport)
"$linux" serve --addr "127.0.0.1:$wssport" --tls-cert "$work/srv.pem" --tls-key "$work/srv.key" >"$work/serve-wss.log" 2>&1 &
pids+=($!)
# squid, listening on two ports (one for http=, one for https=), resolves
# the test's names from its own hosts file: they do not resolve for the
# Windows program, so a check of them works only through the proxy.
sqa=$(freeport) sqb=$(freeport) sqn=$(freeport)
mkdir -p "$work/squid" && chmod 777 "$work/squid"
printf '127.0.0.1 echo.wsd.test echo.skip.test wsdtarget\n' >"$work/squid/hosts"
cat >"$work/squid/squid.conf" <<EOF
http_port 127.0.0.1:$sqa
http_port 127.0.0.1:$sqb
# A third port asks for a Windows (NTLM) sign-in, with Debian's
# ntlm_fake_auth: where Windows' SSPI cannot make one (Wine has no
# ntlm_auth), the check must say so, not that squid refused it.
http_port 127.0.0.1:$sqn name=ntlm
auth_param ntlm program /usr/lib/squid/ntlm_fake_auth
auth_param ntlm children 2
acl ntlmport myportname ntlm
acl signedin proxy_auth REQUIRED
http_access deny ntlmport !signedin
hosts_file $work/squid/hosts
pid_filename $work/squid/squid.pid
cache_log $work/squid/cache.log
logformat wsd %lp %rm %ru %>Hs
access_log $work/squid/access.log wsd
cache deny all
cache_mem 8 MB
coredump_dir $work/squid
pinger_enable off
netdb_filename none
shutdown_lifetime 0 seconds
http_access allow all
EOF
squid -N -f "$work/squid/squid.conf" >"$work/squid/out.log" 2>&1 &
pids+=($!)
# The PAC file, on a web server of its own.
pacport=$(freeport)
mkdir -p "$work/www"
cat >"$work/www/proxy.pac" <<EOF
function FindProxyForURL(url, host) {
  if (shExpMatch(host, "*.wsd.test")) return "PROXY 127.0.0.1:$sqa";
  return "DIRECT";
}
EOF
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$pacport" >"$work/www.log" 2>&1 &
pids+=($!)
for p in $wsport $wssport $sqa $sqb $sqn $pacport; do
	waitport "$p" || { tail -n 20 "$work"/serve-*.log "$work/squid/out.log" "$work/squid/cache.log" "$work/www.log"; exit 1; }
done
ca=$(zpath "$work/ca.pem")
echo "     ws :$wsport, wss :$wssport, squid :$sqa and :$sqb (NTLM :$sqn), PAC :$pacport, after $(elapsed)"

if want checks; then
echo "== $exe: checks"
run 60 "$exe" version
expect "exe runs: $(head -1 "$work/out")" grep -q "^wsdoctor $version (" "$work/out"
run 90 "$exe" check "ws://127.0.0.1:$wsport/ws" --json --quiet
expect "ws:// to the Linux server: exit 0 ($rc)" [ "$rc" = 0 ]
expect "ws:// verdict works, no probe failed" jqt '.verdict == "works" and ([.results[] | select(.status == "fail")] | length == 0) and ([.results[] | select(.probe == "echo" and .status == "pass")] | length == 1)'
expect "ws:// report says os windows" jqt '.environment.os == "windows"'
run 90 "$exe" check "wss://127.0.0.1:$wssport/ws" --ca "$ca" --json --quiet
expect "wss:// with --ca: exit 0 ($rc)" [ "$rc" = 0 ]
expect "wss:// verdict works, TLS passed with the CA file" jqt '.verdict == "works" and ([.results[] | select(.status == "fail")] | length == 0) and ([.results[] | select(.probe == "tls" and .status == "pass")] | length == 1)'
run 90 "$exe" check "wss://127.0.0.1:$wssport/ws" --json --quiet
expect "wss:// without --ca: exit 1 ($rc), tls-cert-invalid" sh -c "[ $rc = 1 ] && jq -e '[.findings[].id] | index(\"tls-cert-invalid\")' '$work/out' >/dev/null"
closed=$(freeport)
run 90 "$exe" check "ws://127.0.0.1:$closed/ws" --json --quiet
expect "closed port: exit 1 ($rc)" [ "$rc" = 1 ]
expect "closed port: tcp-blocked" jqt '[.findings[].id] | index("tcp-blocked")'
run 60 "$exe" check 'ws://bad host/' --json --quiet
expect "bad address: exit 2 ($rc)" [ "$rc" = 2 ]
fi

if want proxy; then
echo "== $exe: Windows proxy settings (wine reg add)"
# Wine has no ntlm_auth (winbind), so its SSPI cannot make an NTLM
# sign-in (0x80090305): as on a Windows without a domain session.
run 90 "$exe" check "ws://127.0.0.1:$wsport/ws" --proxy "http://127.0.0.1:$sqn" --json --quiet
expect "NTLM squid, SSPI unable to sign in: exit 1 ($rc), $(jq -r '.top_finding' "$work/out" 2>/dev/null), sign-in $(jq -r '[.results[] | select(.probe == "proxy") | .evidence.proxy_auth_result] | first' "$work/out" 2>/dev/null)" \
	sh -c "[ $rc = 1 ] && jq -e '.top_finding == \"proxy-signin-unavailable\" and ([.results[] | select(.probe == \"proxy\") | .evidence | .proxy_auth_identity + \" \" + .proxy_auth_result] | first) == \"windows failed\"' '$work/out' >/dev/null"
run 90 "$exe" check "ws://127.0.0.1:$wsport/ws" --proxy "http://127.0.0.1:$sqn" --quiet
expect "the words say the sign-in could not be made, not that squid refused it" sh -c "grep -q 'could not sign you in' '$work/out' && ! grep -q 'did not accept your Windows sign-in' '$work/out'"
IS='HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
WH='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections'
reg() { wine reg "$@" >>"$work/reg.log" 2>&1; }
regclear() {
	for v in ProxyEnable ProxyServer ProxyOverride AutoConfigURL; do reg delete "$IS" /v "$v" /f; done
	reg delete "$IS\\Connections" /v DefaultConnectionSettings /f
	reg delete "$WH" /v WinHttpSettings /f
}
# blob FLAGS PROXY BYPASS PACURL: a connection-settings value, as the
# Internet Options dialog (DefaultConnectionSettings) and netsh winhttp
# (WinHttpSettings) write it, in the hex reg add takes.
le32() { printf '%02x%02x%02x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
bstr() { le32 ${#1}; printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
blob() { printf '%s%s%s%s%s%s%s' "$(le32 70)" "$(le32 1)" "$(le32 "$1")" "$(bstr "$2")" "$(bstr "$3")" "$(bstr "$4")" "$(printf '%064d' 0)"; }
# through PORT HOST: squid's port PORT carried a request for HOST since
# the last mark.
mark() { : >"$work/squid/access.log"; }
through() { grep -q "^$1 .*$2" "$work/squid/access.log"; }
env_route() { run 90 "$exe" env --json "$@"; }
check_json() { run 120 "$exe" check "$@" --json --quiet; }
# via URL SOURCE: the check's proxy probe opened its tunnel through URL,
# the proxy SOURCE named. (The names squid knows do not resolve for the
# Windows program, and today the engine then skips the upgrade even when a
# proxy would look the name up: the check ends with dns-failure. The route
# is what is asserted here, through the proxy probe and squid's log.)
via() { jqt "[.results[] | select(.probe == \"proxy\" and .status == \"pass\" and .evidence.proxy == \"$1\" and .evidence.proxy_source == \"$2\" and (.evidence.proxy_status | startswith(\"200\")))] | length == 1"; }

# 1. One proxy for every protocol, with exceptions.
regclear
reg add "$IS" /v ProxyEnable /t REG_DWORD /d 1 /f
reg add "$IS" /v ProxyServer /t REG_SZ /d "127.0.0.1:$sqa" /f
reg add "$IS" /v ProxyOverride /t REG_SZ /d '<local>;*.skip.test' /f
env_route "ws://echo.wsd.test:$wsport/ws"
expect "ProxyServer: env names it, from the registry" jqt "(.settings.configs[] | select(.source == \"wininet\") | .enabled and .mode == \"manual\" and .origin == \"HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Internet Settings\")"
expect "ProxyServer: env route http://127.0.0.1:$sqa (wininet, ProxyServer)" jqt ".route.route == \"http://127.0.0.1:$sqa\" and .route.source == \"wininet\" and .route.origin == \"ProxyServer\""
expect "ProxyOverride: env has both exceptions" jqt '(.settings.configs[] | select(.source == "wininet") | .bypass) == ["<local>", "*.skip.test"]'
mark
check_json "ws://echo.wsd.test:$wsport/ws"
expect "ProxyServer: check of a name only squid knows goes through http://127.0.0.1:$sqa (wininet)" via "http://127.0.0.1:$sqa" wininet
expect "ProxyServer: the report names the proxy and its source" jqt ".environment.proxy.configured and .environment.proxy.url == \"http://127.0.0.1:$sqa\" and .environment.proxy.source == \"wininet\""
expect "ProxyServer: squid carried the check" through "$sqa" "CONNECT echo.wsd.test:$wsport"
mark
check_json "wss://echo.wsd.test:$wssport/ws" --ca "$ca"
expect "ProxyServer: wss:// goes through the same proxy" via "http://127.0.0.1:$sqa" wininet
expect "ProxyServer: squid carried the CONNECT" through "$sqa" "CONNECT echo.wsd.test:$wssport"
env_route "ws://echo.skip.test:$wsport/ws"
expect "ProxyOverride *.skip.test: env route DIRECT by that exception" jqt '.route.route == "DIRECT" and .route.bypass == "*.skip.test"'
mark
check_json "ws://echo.skip.test:$wsport/ws"
expect "ProxyOverride *.skip.test: check goes direct (the name does not resolve: dns-failure)" sh -c "[ $rc = 1 ] && jq -e '[.findings[].id] | index(\"dns-failure\")' '$work/out' >/dev/null"
expect "ProxyOverride *.skip.test: squid saw nothing" sh -c "! grep -q skip.test '$work/squid/access.log'"
env_route "ws://wsdtarget:$wsport/ws"
expect "ProxyOverride <local>: a name without a dot goes DIRECT" jqt '.route.route == "DIRECT" and .route.bypass == "<local>"'
env_route "ws://127.0.0.1:$wsport/ws"
expect "loopback never goes to the proxy" jqt '.route.route == "DIRECT"'

# 2. One proxy per protocol.
regclear
reg add "$IS" /v ProxyEnable /t REG_DWORD /d 1 /f
reg add "$IS" /v ProxyServer /t REG_SZ /d "http=127.0.0.1:$sqa;https=127.0.0.1:$sqb;socks=127.0.0.1:1080" /f
env_route "ws://echo.wsd.test:$wsport/ws"
expect "per protocol: ws:// goes to the http= proxy" jqt ".route.route == \"http://127.0.0.1:$sqa\" and .route.origin == \"ProxyServer http=\""
expect "per protocol: socks= read as SOCKS4" jqt '(.settings.configs[] | select(.source == "wininet") | .socks.url) == "socks4://127.0.0.1:1080"'
env_route "wss://echo.wsd.test:$wssport/ws"
expect "per protocol: wss:// goes to the https= proxy" jqt ".route.route == \"http://127.0.0.1:$sqb\" and .route.origin == \"ProxyServer https=\""
mark
check_json "ws://echo.wsd.test:$wsport/ws"
expect "per protocol: ws:// check through the http= proxy :$sqa" sh -c "grep -q '^$sqa CONNECT echo.wsd.test:$wsport' '$work/squid/access.log' && ! grep -q '^$sqb ' '$work/squid/access.log'"
expect "per protocol: the report's proxy probe names it" via "http://127.0.0.1:$sqa" wininet
mark
check_json "wss://echo.wsd.test:$wssport/ws" --ca "$ca"
expect "per protocol: wss:// check through the https= proxy :$sqb" sh -c "grep -q '^$sqb CONNECT echo.wsd.test:$wssport' '$work/squid/access.log' && ! grep -q '^$sqa ' '$work/squid/access.log'"
expect "per protocol: the report's proxy probe names it" via "http://127.0.0.1:$sqb" wininet

# 3. A PAC file (AutoConfigURL) served on loopback.
regclear
pac="http://127.0.0.1:$pacport/proxy.pac"
reg add "$IS" /v AutoConfigURL /t REG_SZ /d "$pac" /f
env_route "ws://echo.wsd.test:$wsport/ws"
expect "AutoConfigURL: env shows the PAC URL" jqt "(.settings.configs[] | select(.source == \"wininet\") | .mode == \"PAC\" and .pac_url == \"$pac\")"
expect "AutoConfigURL: the PAC file answers PROXY 127.0.0.1:$sqa" jqt ".route.route == \"http://127.0.0.1:$sqa\" and .route.source == \"pac\" and .route.origin == \"$pac\" and .route.setting == \"wininet\""
mark
check_json "ws://echo.wsd.test:$wsport/ws"
expect "AutoConfigURL: check through squid as the PAC file said" sh -c "grep -q '^$sqa CONNECT echo.wsd.test:$wsport' '$work/squid/access.log'"
expect "AutoConfigURL: the report's proxy probe names it, from the PAC file" via "http://127.0.0.1:$sqa" pac
expect "AutoConfigURL: the report names the PAC file" jqt ".environment.proxy.source == \"pac\" and .environment.proxy.pac_url == \"$pac\""
expect "AutoConfigURL: the PAC file was fetched from the loopback server" grep -q 'GET /proxy.pac' "$work/www.log"
env_route "ws://echo.skip.test:$wsport/ws"
expect "AutoConfigURL: the PAC file sends other names DIRECT" jqt '.route.route == "DIRECT" and .route.source == "pac"'

# 4. The Internet Options blob: "Automatically detect settings" on, and a
# manual proxy in the blob alone (no ProxyEnable/ProxyServer values).
regclear
reg add "$IS\\Connections" /v DefaultConnectionSettings /t REG_BINARY /d "$(blob 11 "127.0.0.1:$sqa" '<local>' '')" /f
env_route "ws://echo.wsd.test:$wsport/ws"
expect "DefaultConnectionSettings: auto-detect on, read from the blob" jqt '(.settings.configs[] | select(.source == "wininet") | .auto_detect and .enabled)'
expect "DefaultConnectionSettings: WPAD found nothing (said in the route), then the blob's proxy" jqt "(.route.notes | any(test(\"auto-detect\"))) and .route.route == \"http://127.0.0.1:$sqa\""
mark
check_json "ws://echo.wsd.test:$wsport/ws"
expect "DefaultConnectionSettings: check through the blob's proxy" sh -c "grep -q '^$sqa CONNECT echo.wsd.test:$wsport' '$work/squid/access.log'"
expect "DefaultConnectionSettings: the report's proxy probe names it" via "http://127.0.0.1:$sqa" wininet

# 5. The machine-wide WinHTTP proxy (netsh winhttp set proxy): reported,
# not used by the check, as applications that follow WinINET do.
regclear
reg add "$WH" /v WinHttpSettings /t REG_BINARY /d "$(blob 3 "127.0.0.1:$sqb" '<local>' '')" /f
env_route "ws://echo.wsd.test:$wsport/ws"
expect "WinHttpSettings: env shows the machine-wide proxy" jqt "(.settings.configs[] | select(.source == \"winhttp\") | .enabled and .mode == \"proxy\" and .http.url == \"http://127.0.0.1:$sqb\" and .bypass == [\"<local>\"])"
expect "WinHttpSettings: the check's route is not taken from it" jqt '.route.route == "DIRECT" and .route.source != "winhttp"'
regclear
echo "     proxy settings done after $(elapsed)"
fi

if want console; then
echo "== $cliexe: the console companion"
x86_64-w64-mingw32-objdump -p "$cliexe" >"$work/cli-pe.txt"
expect "wsdoctor-cli.exe is a console program (Subsystem 3)" grep -q '^Subsystem[[:space:]]*00000003' "$work/cli-pe.txt"
closed=$(freeport)
cat >"$work/codes.bat" <<BAT
@echo off
"$(zpath "$cliexe")" version
echo ERRORLEVEL=%ERRORLEVEL%
"$(zpath "$cliexe")" check ws://127.0.0.1:$wsport/ws --quiet
echo ERRORLEVEL=%ERRORLEVEL%
"$(zpath "$cliexe")" check ws://127.0.0.1:$closed/ws --quiet
echo ERRORLEVEL=%ERRORLEVEL%
"$(zpath "$cliexe")" check "ws://bad host/" --quiet
echo ERRORLEVEL=%ERRORLEVEL%
BAT
run 300 cmd /c "$(zpath "$work/codes.bat")"
tr -d '\r' <"$work/out" >"$work/codes.txt"
expect "cmd.exe sees the exit codes: version 0, works 0, closed port 1, bad address 2" \
	[ "$(grep '^ERRORLEVEL=' "$work/codes.txt" | tr '\n' ' ')" = "ERRORLEVEL=0 ERRORLEVEL=0 ERRORLEVEL=1 ERRORLEVEL=2 " ]
expect "cmd.exe shows the output in order: version, the verdicts (the closed port's names the service)" sh -c "grep -q '^wsdoctor $version (' '$work/codes.txt' && grep -q '^Live connections work' '$work/codes.txt' && grep -q '^The service at 127.0.0.1:$closed is not answering' '$work/codes.txt'"
# clean FILE: no escape sequences, and carriage returns only in CRLF.
clean() { ! grep -q $'\033' "$1" && [ "$(tr -cd '\r' <"$1" | wc -c)" -le "$(wc -l <"$1")" ] && ! grep -q $'\r.' "$1"; }
expect "no stray escape sequences or carriage returns in the output" clean "$work/out"
run 120 cmd /c "$(zpath "$cliexe")" check "ws://127.0.0.1:$closed/ws" --quiet
expect "wine cmd /c wsdoctor-cli.exe returns the exit code: 1 ($rc)" [ "$rc" = 1 ]
fi

if want presets; then
echo "== $exe: presets"
mkdir -p "$work/portable"
cp "$exe" "$work/portable/wsdoctor.exe"
printf '{"product_name": "Side Preset Co", "targets": [{"url": "ws://127.0.0.1:%s/ws", "label": "Echo"}]}\n' "$wsport" >"$work/portable/wsdoctor-preset.json"
run 60 "$work/portable/wsdoctor.exe" preset show
expect "a wsdoctor-preset.json beside the portable exe is the preset in force" sh -c "grep -q 'beside the program' '$work/err' && jq -e '.product_name == \"Side Preset Co\"' '$work/out' >/dev/null"
run 120 "$work/portable/wsdoctor.exe" check --quiet --json
expect "check with no address checks the side preset's target: exit 0 ($rc)" sh -c "[ $rc = 0 ] && jq -e '.target == \"ws://127.0.0.1:$wsport/ws\"' '$work/out' >/dev/null && grep -q 'for Side Preset Co (beside the program)' '$work/err'"
printf '{"product_name": "Branded Co", "support_email": "help@branded.example", "targets": [{"url": "ws://127.0.0.1:%s/ws"}]}\n' "$wsport" >"$work/brand.json"
mkdir -p "$work/branded"
run 60 "$exe" preset embed --preset "$(zpath "$work/brand.json")" --out "$(zpath "$work/branded/acme-checker.exe")"
expect "the exe makes a branded copy of itself (preset embed): exit 0 ($rc)" sh -c "[ $rc = 0 ] && [ -s '$work/branded/acme-checker.exe' ]"
run 60 "$work/branded/acme-checker.exe" version
expect "the branded exe's version names the preset: $(tail -1 "$work/out")" grep -q '^Preset: Branded Co (added to the program)' "$work/out"
run 120 "$work/branded/acme-checker.exe" check --quiet
expect "the branded exe checks the preset's target: exit 0 ($rc), names Branded Co" sh -c "[ $rc = 0 ] && grep -q 'for Branded Co (added to the program)' '$work/err'"
cp "$work/portable/wsdoctor-preset.json" "$work/branded/"
run 60 "$work/branded/acme-checker.exe" version
expect "a side file still beats the added preset" grep -q '^Preset: Side Preset Co (beside the program)' "$work/out"
"$linux" preset embed --preset "$work/brand.json" --out "$work/branded-linux" >"$work/out" 2>&1
"$work/branded-linux" version >"$work/out" 2>&1
expect "the Linux binary brands a copy of itself too" grep -q '^Preset: Branded Co (added to the program)' "$work/out"
# The README's Windows command, run from the console companion beside the
# window program, makes a window program (PE Subsystem 2): double-clicked,
# no console opens. The console companion itself is refused without
# --console.
cp "$cliexe" "$work/portable/wsdoctor-cli.exe"
subsystem() { od -An -tu2 -j $(( $(od -An -tu4 -j 60 -N4 "$1" | tr -d ' ') + 92 )) -N2 "$1" | tr -d ' '; }
run 60 "$work/portable/wsdoctor-cli.exe" preset embed --preset "$(zpath "$work/brand.json")" --out "$(zpath "$work/branded/from-cli.exe")"
sub=$(subsystem "$work/branded/from-cli.exe" 2>/dev/null)
expect "wsdoctor-cli.exe preset embed makes a window program: exit $rc, subsystem ${sub:-none}" sh -c "[ $rc = 0 ] && [ '$sub' = 2 ]"
run 60 "$work/portable/wsdoctor-cli.exe" preset embed --preset "$(zpath "$work/brand.json")" --exe "$(zpath "$work/portable/wsdoctor-cli.exe")" --out "$(zpath "$work/branded/console.exe")"
expect "a console program is not branded without --console: exit $rc" sh -c "[ $rc = 2 ] && grep -q 'console program' '$work/err' && [ ! -e '$work/branded/console.exe' ]"
fi

# The installer's places in the prefix.
users=$WINEPREFIX/drive_c/users/$winuser
instdir="$users/AppData/Local/Programs/WebSocket Doctor"
lnk="$users/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/WebSocket Doctor.lnk"
UN='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall'
uninstkey() { wine reg query "$UN" /s 2>/dev/null | tr -d '\r' | grep -B3 'DisplayName.*WebSocket Doctor' | grep -i '^HKEY' | head -1; }
userpath() { wine reg query 'HKCU\Environment' /v Path 2>/dev/null | tr -d '\r' | sed -n 's/.*REG_[A-Z_]*SZ[[:space:]]*//p'; }
notonpath() { ! userpath | grep -qi 'WebSocket Doctor'; }
onpath() { userpath | grep -qi 'AppData.Local.Programs.WebSocket Doctor'; }
# install INSTALLER ARGS...: runs it silently and waits for it and what it started.
install() { run 300 "$@"; wineserver -w; }
uninstall() { run 300 "$instdir/uninstall.exe" /S; wineserver -w; }

if want install; then
echo "== $setup: install and uninstall (/S)"
install "$setup" /S
expect "installer /S: exit 0 ($rc)" [ "$rc" = 0 ]
for f in wsdoctor.exe wsdoctor-cli.exe uninstall.exe; do
	expect "installed %LOCALAPPDATA%\\Programs\\WebSocket Doctor\\$f" [ -s "$instdir/$f" ]
done
expect "Start-menu shortcut WebSocket Doctor.lnk" [ -s "$lnk" ]
expect "the shortcut points at the installed wsdoctor.exe" grep -qa 'wsdoctor.exe' "$lnk"
key=$(uninstkey)
expect "uninstall entry in Apps & features: $key" [ -n "$key" ]
wine reg query "$key" 2>/dev/null | tr -d '\r' >"$work/out"
expect "uninstall entry has the version and a quiet uninstall command" sh -c "grep -q 'DisplayVersion.*$version' '$work/out' && grep -q 'QuietUninstallString.*uninstall.exe\" /S' '$work/out'"
expect "uninstall entry has its size: $(grep -o 'EstimatedSize.*' "$work/out")" sh -c "grep -Eq 'EstimatedSize[[:space:]]+REG_DWORD[[:space:]]+0x0*[1-9a-f]' '$work/out'"
# What the window writes as it runs (Fyne's preferences and icon cache),
# and what another Fyne app keeps beside it.
appid=$(sed -n 's/^ *ID *= *"\(.*\)"/\1/p' "$here/../FyneApp.toml")
mkdir -p "$users/AppData/Roaming/fyne/$appid" "$users/AppData/Local/fyne/$appid" "$users/AppData/Roaming/fyne/other.app"
echo '{}' >"$users/AppData/Roaming/fyne/$appid/preferences.json"
echo x >"$users/AppData/Local/fyne/$appid/icon.png"
expect "the folder is not on PATH unless asked" notonpath
run 60 "$instdir/wsdoctor.exe" version
expect "installed exe runs: $(head -1 "$work/out")" grep -q "^wsdoctor $version (" "$work/out"
run 120 "$instdir/wsdoctor-cli.exe" check "ws://127.0.0.1:$wsport/ws" --quiet
expect "installed wsdoctor-cli.exe checks: exit 0 ($rc)" [ "$rc" = 0 ]
run 60 "$instdir/wsdoctor-cli.exe" help
expect "wsdoctor-cli.exe's help names it wsdoctor-cli" grep -q '^  wsdoctor-cli check \[URL\]' "$work/out"
uninstall
expect "uninstaller /S: exit 0 ($rc)" [ "$rc" = 0 ]
expect "uninstall removed the program folder" [ ! -e "$instdir" ]
expect "uninstall removed the shortcut" [ ! -e "$lnk" ]
expect "uninstall removed the uninstall entry" [ -z "$(uninstkey)" ]
expect "uninstall removed the window's preferences and cache" sh -c "[ ! -e '$users/AppData/Roaming/fyne/$appid' ] && [ ! -e '$users/AppData/Local/fyne/$appid' ] && [ ! -e '$users/AppData/Local/fyne' ]"
expect "uninstall kept another Fyne app's folder" [ -d "$users/AppData/Roaming/fyne/other.app" ]
fi

if [ -n "${VARIANT_INSTALLER:-}" ] && want variant; then
	echo "== $VARIANT_INSTALLER: a preset built in, signed, /ADDTOPATH"
	vname=$(jq -r .product_name "$VARIANT_PRESET")
	install "$VARIANT_INSTALLER" /S /ADDTOPATH
	expect "installer /S /ADDTOPATH: exit 0 ($rc)" [ "$rc" = 0 ]
	run 60 "$instdir/wsdoctor.exe" version
	expect "the preset given at build time is inside the installed program: $(tail -1 "$work/out")" grep -q "^Preset: $vname (built in)" "$work/out"
	run 60 "$instdir/wsdoctor.exe" preset show
	expect "preset show: built in, as given" sh -c "grep -q '(built in)' '$work/err' && jq -e --slurpfile want '$VARIANT_PRESET' '.product_name == \$want[0].product_name and .targets == \$want[0].targets' '$work/out' >/dev/null"
	expect "the folder is on the user's PATH: $(userpath)" onpath
	run 60 cmd /c wsdoctor-cli version
	if ! grep -q "^wsdoctor $version (" "$work/out"; then
		# A new Wine session reads the user's PATH from the registry;
		# one already running may not have it yet: start it again once.
		wineserver -k 2>/dev/null
		wineserver -w
		run 60 cmd /c wsdoctor-cli version
	fi
	expect "wsdoctor-cli runs from PATH in a new cmd.exe" grep -q "^wsdoctor $version (" "$work/out"
	if [ -n "${SIGN_CA:-}" ]; then
		for f in "$VARIANT_INSTALLER" "${VARIANT_INSTALLER%-installer.exe}.msi" "$instdir/wsdoctor.exe" "$instdir/wsdoctor-cli.exe" "$instdir/uninstall.exe"; do
			expect "signed: osslsigncode verify $(basename "$f")" sh -c "osslsigncode verify -CAfile '$SIGN_CA' -in '$f' >'$work/out' 2>&1"
		done
		expect "the unsigned build stays unsigned" sh -c "! osslsigncode verify -CAfile '$SIGN_CA' -in '$exe' >/dev/null 2>&1"
		mkdir -p "$work/signed"
		"$linux" preset embed --preset "$work/brand.json" --exe "$instdir/wsdoctor.exe" --out "$work/signed/brand.exe" >"$work/out" 2>&1
		expect "branding a signed exe says the copy must be signed again" grep -q 'Sign it again' "$work/out"
		expect "the branded copy's old signature is gone" sh -c "! osslsigncode verify -CAfile '$SIGN_CA' -in '$work/signed/brand.exe' >/dev/null 2>&1"
		if [ -n "${SIGN_PFX:-}" ]; then
			sh "$here/windows/sign.sh" "$SIGN_PFX" "$SIGN_PASS_FILE" - "$work/signed/brand.exe" >/dev/null
			expect "signed again with the hook, it verifies" sh -c "osslsigncode verify -CAfile '$SIGN_CA' -in '$work/signed/brand.exe' >/dev/null 2>&1"
			run 60 "$work/signed/brand.exe" version
			expect "and still carries the preset under its signature" grep -q '^Preset: Branded Co (added to the program)' "$work/out"
		fi
	fi
	uninstall
	expect "uninstall removed the folder from PATH" notonpath
	expect "uninstall removed the program folder" [ ! -e "$instdir" ]
fi

# The MSI last of the installers: its removal under Wine can leave the
# machine's PATH without the system folders, which a later cmd.exe needs.

# The MSI for managed deployment, as Intune or Group Policy run it:
# msiexec /i /qn per machine with ADDTOPATH=1, then a newer MSI over it
# (an upgrade in place: one product, the new version), then /x.
msi=${setup%-installer.exe}.msi
if [ -f "$msi" ] && want msi; then
	echo "== $msi: install, upgrade and remove (msiexec /qn)"
	pf="$WINEPREFIX/drive_c/Program Files/WebSocket Doctor"
	HKLMUN='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'
	SYSENV='HKLM\System\CurrentControlSet\Control\Session Manager\Environment'
	msiversion() { wine reg query "$HKLMUN" /s 2>/dev/null | tr -d '\r' | grep -A8 'DisplayName.*WebSocket Doctor' | sed -n 's/.*DisplayVersion[[:space:]]*REG_SZ[[:space:]]*//p' | sort -u | tr '\n' ' '; }
	syspath() { wine reg query "$SYSENV" /v PATH 2>/dev/null | tr -d '\r' | sed -n 's/.*REG_[A-Z_]*SZ[[:space:]]*//p'; }
	# PRESET=FILE: a support team's preset put beside the programs; a bad
	# one fails the install, which rolls back.
	printf '{"product_name": "MSI Co", "targets": [{"url": "ws://127.0.0.1:9/ws"}]}' >"$work/msi-preset.json"
	printf '{"product_name": "MSI Co", "targets": [{"url": "ftp://127.0.0.1/ws"}]}' >"$work/msi-bad.json"
	run 300 msiexec /i "$(zpath "$msi")" /qn PRESET="$(zpath "$work/msi-bad.json")"; wineserver -w
	expect "a bad PRESET fails the install (exit $rc) and leaves nothing" sh -c "[ $rc != 0 ] && [ ! -e '$pf' ] && [ -z '$(msiversion)' ]"
	run 300 msiexec /i "$(zpath "$msi")" /qn ADDTOPATH=1 PRESET="$(zpath "$work/msi-preset.json")"; wineserver -w
	expect "msiexec /i /qn ADDTOPATH=1 PRESET=...: exit 0 ($rc)" [ "$rc" = 0 ]
	run 60 "$pf/wsdoctor-cli.exe" version
	expect "the PRESET is beside the installed programs: $(tail -1 "$work/out")" grep -q '^Preset: MSI Co (beside the program' "$work/out"
	expect "installed into Program Files" sh -c "[ -s '$pf/wsdoctor.exe' ] && [ -s '$pf/wsdoctor-cli.exe' ]"
	expect "the folder is on the machine's PATH: $(syspath)" sh -c "wine reg query '$SYSENV' /v PATH 2>/dev/null | grep -qi 'Program Files.WebSocket Doctor'"
	expect "a Start-menu shortcut" sh -c "find '$WINEPREFIX/drive_c' -iname 'WebSocket Doctor.lnk' | grep -q ."
	run 60 "$pf/wsdoctor-cli.exe" version
	expect "the installed wsdoctor-cli.exe runs: $(head -1 "$work/out")" grep -q "^wsdoctor $version (" "$work/out"
	# A newer MSI: the same build under the next patch version.
	next=$(echo "$version" | sed -n 's/^\([0-9]*\.[0-9]*\.\)\([0-9]*\).*/echo \1$((\2+1))/p' | sh)
	sh "$here/windows/msi.sh" "$next" "$pf/wsdoctor.exe" "$pf/wsdoctor-cli.exe" "$here/../assets/icon.ico" "$work/next.msi" 2>"$work/msi.log" || show "$work/msi.log"
	run 300 msiexec /i "$(zpath "$work/next.msi")" /qn ADDTOPATH=1 PRESET="$(zpath "$work/msi-preset.json")"; wineserver -w
	expect "a newer MSI upgrades in place: exit $rc, installed $(msiversion)" sh -c "[ $rc = 0 ] && [ '$(msiversion)' = '$next ' ]"
	run 300 msiexec /x "$(zpath "$work/next.msi")" /qn; wineserver -w
	expect "msiexec /x /qn: exit 0 ($rc)" [ "$rc" = 0 ]
	expect "removal leaves no program folder (nor the preset)" [ ! -e "$pf" ]
	expect "removal leaves no uninstall entry" [ -z "$(msiversion)" ]
	expect "removal takes the folder off the machine's PATH" sh -c "! wine reg query '$SYSENV' /v PATH 2>/dev/null | grep -qi 'WebSocket Doctor'"
	expect "removal leaves no shortcut" sh -c "! find '$WINEPREFIX/drive_c' -iname 'WebSocket Doctor.lnk' | grep -q ."
fi

if [ -n "${SCREENSHOT:-}" ] && want window; then
	echo "== $exe: the window on Xvfb"
	Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
	export DISPLAY=:$(cat "$work/display")
	# The prefix's desktop process was started without a display: start
	# the session again with one, or Wine's windows go nowhere.
	wineserver -k 2>/dev/null
	wineserver -w
	# English, then Japanese: the prefix's Fonts folder has no Asian font
	# (Wine's own only), so the Japanese window draws with the fonts the
	# program carries or shows boxes.
	for lang in en ja; do
	shot=$SCREENSHOT
	[ "$lang" = en ] || shot="${SCREENSHOT%.png}-$lang.png"
	openwindow "$lang"
	expect "the window opens in $lang: $win \"WebSocket Doctor\"" [ -n "$win" ]
	[ -n "$win" ] || show "$work/gui.log"
	colours=0
	if [ -n "$win" ]; then
		# Drawn once Fyne has laid it out: wait for more than a blank frame.
		for _ in $(seq 60); do
			import -display "$DISPLAY" -window "$win" "$work/shot.png" 2>/dev/null &&
				colours=$(identify -format %k "$work/shot.png" 2>/dev/null) && [ "${colours:-0}" -ge 50 ] && break
			sleep 0.5
		done
		sleep 2 # let the last frame land
		import -display "$DISPLAY" -window "$win" "$work/shot.png" 2>/dev/null && colours=$(identify -format %k "$work/shot.png")
		mkdir -p "$(dirname "$shot")" && cp "$work/shot.png" "$shot"
	fi
	expect "the $lang window shows more than an empty frame: $colours colours, $(identify -format %wx%h "$work/shot.png" 2>/dev/null) (saved as $shot)" [ "${colours:-0}" -ge 50 ]
	expect "no Asian font in the prefix's Fonts folder" sh -c "! ls '$WINEPREFIX/drive_c/windows/Fonts' | grep -qi -e cjk -e msgothic -e meiryo -e yugoth -e simsun -e msyh"
	kill "$gui" 2>/dev/null; wait "$gui" 2>/dev/null
	wineserver -k 2>/dev/null; wineserver -w
	done
	unset DISPLAY
fi

# Windows' default on most laptops: 125% (LogPixels 120) on 1366x768. The
# window must open inside the screen, footer and all, at that scale: Fyne
# takes the scale from the monitor's DPI, and ui.FitToScreen sizes the
# window from the work area. At 100% the window would be 640 units high;
# at 125% and fitted it is between 640 and 768 pixels, so its height also
# shows that the scale took.
if [ -n "${SCREENSHOT:-}" ] && want fit; then
	echo "== $exe: the window at 125% on a 1366x768 screen"
	Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp 3>"$work/display125" 2>"$work/xvfb125.log" &
	xvfb=$!
	pids+=($xvfb)
	for _ in $(seq 100); do [ -s "$work/display125" ] && break; sleep 0.1; done
	export DISPLAY=:$(cat "$work/display125")
	wineserver -k 2>/dev/null
	wineserver -w
	wine reg add 'HKCU\Control Panel\Desktop' /v LogPixels /t REG_DWORD /d 120 /f >/dev/null 2>&1
	wineserver -k 2>/dev/null
	wineserver -w
	# German: the longest words.
	openwindow de
	expect "the window opens at 125%: $win" [ -n "$win" ]
	[ -n "$win" ] || show "$work/gui.log"
	x=-1 y=-1 w=0 h=0
	if [ -n "$win" ]; then
		# Fyne resizes the window once it runs (FitToScreen): wait until
		# its size has held for a second.
		last=
		for _ in $(seq 40); do
			geo=$(xwininfo -id "$win" 2>/dev/null | awk '/Absolute upper-left X/{x=$NF} /Absolute upper-left Y/{y=$NF} /^ *Width/{w=$NF} /^ *Height/{h=$NF} END{print x, y, w, h}')
			[ -n "$geo" ] && [ "$geo" = "$last" ] && break
			last=$geo
			sleep 1
		done
		read -r x y w h <<<"$geo"
		colours=0
		for _ in $(seq 60); do
			import -display "$DISPLAY" -window "$win" "$work/shot125.png" 2>/dev/null &&
				colours=$(identify -format %k "$work/shot125.png" 2>/dev/null) && [ "${colours:-0}" -ge 50 ] && break
			sleep 0.5
		done
		sleep 2
		import -display "$DISPLAY" -window root "$work/shot125.png" 2>/dev/null
		mkdir -p "$(dirname "$SCREENSHOT")" && cp "$work/shot125.png" "${SCREENSHOT%.png}-125-de.png"
	fi
	expect "at 125% the window is scaled: ${h} px high, more than 640 (saved as ${SCREENSHOT%.png}-125-de.png)" [ "${h:-0}" -gt 640 ]
	inside() { [ "$x" -ge 0 ] && [ "$y" -ge 0 ] && [ $((x + w)) -le 1366 ] && [ $((y + h)) -le 768 ]; }
	expect "at 125% the window fits 1366x768: ${w}x${h} at ${x},${y}" inside
	kill "$gui" 2>/dev/null; wait "$gui" 2>/dev/null
	wineserver -k 2>/dev/null; wineserver -w
	kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null
	unset DISPLAY
fi

echo "$passed passed, $failed failed, in $(elapsed)"
[ "$failed" -eq 0 ]
