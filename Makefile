# WebSocket Doctor. `make run` opens the app, `make test` runs every test;
# both first install the Debian packages the build and the tests need.

GO      ?= go
MODULE  := codeberg.org/wsdoctor/wsdoctor

# The app's identity and version live in FyneApp.toml.
APP_NAME     := WebSocket Doctor
APP_ID       := $(shell sed -n 's/^ *ID *= *"\(.*\)"/\1/p' FyneApp.toml)
APP_VERSION  := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
BUILD_NUMBER := $(shell sed -n 's/^ *Build *= *\([0-9][0-9]*\).*/\1/p' FyneApp.toml)

# VERSION is the tag vX.Y.Z on this commit without its v, or else
# FyneApp.toml's version marked as a development build of this commit.
# The build date is the commit's date (SOURCE_DATE_EPOCH), so one commit
# always builds the same bytes. All can be set: make package VERSION=1.2.3
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
VERSION ?= $(shell git describe --tags --exact-match --match 'v[0-9]*' 2>/dev/null | sed 's/^v//' | grep . || \
	echo "$(APP_VERSION)-dev+$(COMMIT)$$(git diff --quiet HEAD 2>/dev/null || echo .dirty)")
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
DATE    ?= $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r $(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ)
# Evaluate each once, not at every use.
VERSION := $(VERSION)
COMMIT  := $(COMMIT)
SOURCE_DATE_EPOCH := $(SOURCE_DATE_EPOCH)
DATE    := $(DATE)
export SOURCE_DATE_EPOCH
LDFLAGS := -X $(MODULE)/checks/cli.Version=$(VERSION) -X $(MODULE)/checks/cli.Commit=$(COMMIT) -X $(MODULE)/checks/cli.Date=$(DATE)

# Build: a C compiler and the OpenGL/X11 headers for Fyne's GLFW driver.
BUILD_PACKAGES := gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev
# Tests: a real X server for the window (xwininfo is in x11-utils), the
# real proxies and servers the network scenarios run against (on loopback
# only), and ip and iptables for the scenarios in a network namespace of
# their own (a transparent proxy, a dead proxy setting, a name server);
# MIT Kerberos for a realm on loopback that squid's Negotiate sign-in uses;
# Chromium, headless, as the person's own browser (check --browser); and
# fonts-noto-cjk so headless Chromium draws the Japanese and Chinese report
# pages (the window carries its own, assets/fonts); python3-socketio on
# python3-aiohttp, a real Socket.IO app for the fallback probe.
TEST_PACKAGES  := xvfb xauth x11-utils nginx-light haproxy squid tinyproxy microsocks mitmproxy iproute2 iptables krb5-kdc krb5-admin-server krb5-user chromium fonts-noto-cjk python3-socketio python3-aiohttp
# Packages: the Windows cross-compiler and its objdump, NSIS, wixl for the
# MSI, the tools that build and check the Linux packages, and Python's
# YAML and JSON Schema to check the winget manifests.
PACKAGE_PACKAGES := gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 nsis wixl msitools desktop-file-utils xz-utils dpkg-dev file zip unzip osslsigncode python3-yaml python3-jsonschema
# make test-windows: Wine runs the Windows programs (wine64 is the 64-bit
# loader; no i386 multiarch needed), Xvfb and ImageMagick show and
# photograph the window, openssl makes the test certificates, squid and a
# python3 web server stand in for the proxy and the PAC server, jq reads
# the JSON, iproute2's ss finds free ports, wixl and msitools build the
# newer MSI of the upgrade test.
WINE_PACKAGES  := wine wine64 xvfb xauth x11-utils imagemagick openssl squid python3 jq iproute2 osslsigncode wixl msitools
# Only to redraw the icon from assets/icon.svg (make icon).
ICON_PACKAGES  := librsvg2-bin icoutils
# Only to cut the carried fonts again after a translation (make fonts).
FONT_PACKAGES  := fonts-noto-cjk python3-fonttools
# CI checks the packages too (make package-check), so make test installs
# the packaging tools as well.
PACKAGES       := $(BUILD_PACKAGES) $(TEST_PACKAGES) $(PACKAGE_PACKAGES) $(WINE_PACKAGES)

.PHONY: deps deps-package deps-windows run test test-fast lab build build-cli package-cli bench bench-watch clean fuzz fonts screenshots

deps: DEPS = $(PACKAGES)
deps-package: DEPS = $(BUILD_PACKAGES) $(PACKAGE_PACKAGES)
deps-windows: DEPS = $(BUILD_PACKAGES) $(PACKAGE_PACKAGES) $(WINE_PACKAGES)
deps deps-package deps-windows:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "installing: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "Missing Debian packages. Run:"; echo "  sudo apt-get install -y $$missing"; exit 1; \
	fi
	@# Debian starts these as services on install; the tests run their own.
	@for s in nginx haproxy squid tinyproxy; do (command -v systemctl >/dev/null && systemctl stop $$s 2>/dev/null) || service $$s stop >/dev/null 2>&1 || true; done

run: deps
	$(GO) run -ldflags '$(LDFLAGS)' .

build: deps
	$(GO) build -ldflags '$(LDFLAGS)' -o wsdoctor .

# wsdoctor-cli: the same main.go without the window (the build tag
# nodesktop leaves ui and Fyne out) and without cgo: one static program
# with every command, for servers, containers and scripts. No Debian
# package is needed to build it, for any system.
CLI_BUILD := CGO_ENABLED=0 $(GO) build -tags nodesktop -trimpath -ldflags '-s -w $(LDFLAGS)'
build-cli:
	$(CLI_BUILD) -o wsdoctor-cli .

# The archives of wsdoctor-cli for Linux and macOS (amd64, arm64) and
# Windows (amd64), in dist/cli; each holds the program alone, with the
# commit's date on it, so one commit makes the same bytes.
CLI_TARGETS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64
package-cli:
	@set -e; rm -rf $(DIST)/cli && mkdir -p $(DIST)/cli; \
	for t in $(CLI_TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; name=wsdoctor-cli-$(VERSION)-$$os-$$arch; exe=wsdoctor-cli; \
		[ $$os = windows ] && exe=wsdoctor-cli.exe; \
		mkdir -p $(DIST)/cli/$$name; \
		GOOS=$$os GOARCH=$$arch $(CLI_BUILD) -o $(DIST)/cli/$$name/$$exe .; \
		touch -d @$(SOURCE_DATE_EPOCH) $(DIST)/cli/$$name/$$exe; \
		if [ $$os = windows ]; then \
			(cd $(DIST)/cli/$$name && zip -X -q ../$$name.zip $$exe); \
		else \
			tar -C $(DIST)/cli/$$name --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$(SOURCE_DATE_EPOCH) -czf $(DIST)/cli/$$name.tar.gz $$exe; \
		fi; \
		rm -rf $(DIST)/cli/$$name; echo "$(DIST)/cli/$$name: $$os $$arch"; \
	done

# Every test: the engine (cgo-free), the window under a virtual X server.
test: deps
	gofmt -l . | (! grep .) || (echo "gofmt wants changes in the files above"; exit 1)
	$(GO) vet ./...
	GOOS=windows $(GO) vet ./checks/...
	GOOS=darwin $(GO) vet ./checks/...
	CGO_ENABLED=0 $(GO) test ./checks/...
	xvfb-run -a -s '-screen 0 1280x800x24' $(GO) test -race -timeout 30m ./...
	@# The window's run-state property test in full (500 sequences): under
	@# -race above it runs 50. Keep watching's layout at every fit size,
	@# nine windows, which -race skips.
	xvfb-run -a -s '-screen 0 1280x800x24' $(GO) test ./ui/ -run '^(TestRunStateProperty|TestWatchFits)$$'

# Fuzz every parser of outside input for FUZZTIME each. go test takes one
# -fuzz target per run, so they run one after another; crashers are kept in
# the package's testdata/fuzz, where plain `go test` replays them.
FUZZTIME ?= 60s
FUZZ_TARGETS := \
	./checks/engine:FuzzParseTarget \
	./checks/netenv:FuzzPAC ./checks/netenv:FuzzParsePACResult ./checks/netenv:FuzzParseMode \
	./checks/netenv:FuzzParseScutil ./checks/netenv:FuzzParseGSettings ./checks/netenv:FuzzParseKioslaverc \
	./checks/netenv:FuzzWinBlobs ./checks/netenv:FuzzWiFiParsers \
	./checks/preset:FuzzParse \
	./checks/report:FuzzParseRender
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; echo "== $$pkg $$name ($(FUZZTIME))"; \
		CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s $$pkg; \
	done

# The fast loop: the engine only, no cgo.
test-fast:
	CGO_ENABLED=0 $(GO) test ./checks/...

# Every scenario with real parts (checks/cli/scenarios_test.go), then the
# table of what the check made of each, for README's "What it recognises".
# The scenarios in a network namespace need root; they show as skipped
# otherwise.
LAB_TABLE ?= $(DIST)/lab.md
lab: deps
	@mkdir -p $(dir $(LAB_TABLE)) && rm -f $(LAB_TABLE)
	@WSDOCTOR_LAB='$(abspath $(LAB_TABLE))' CGO_ENABLED=0 $(GO) test ./checks/cli -run '^TestScenarios$$' -count=1 -v; \
		status=$$?; echo; cat $(LAB_TABLE) 2>/dev/null; exit $$status

# The Result screens of docs/screenshots (issue 21): real checks on
# loopback in the test renderer at the fit sizes, in English, German and
# Japanese (ui/screenshots_test.go); the HTML report's watch timeline in
# headless Chromium (checks/report/watch_screenshot_test.go). Look at
# each before committing.
screenshots: deps
	WSDOCTOR_SCREENSHOTS='$(abspath docs/screenshots)' xvfb-run -a $(GO) test ./ui/ -run '^TestScreenshots$$' -count=1
	WSDOCTOR_SCREENSHOTS='$(abspath docs/screenshots)' $(GO) test ./checks/report/ -run '^TestWatchTimelineScreenshot$$' -count=1

# The engine's benchmarks (in-process), then the command-line build's as
# whole processes: start-up, and a check against the handshake+echo floor.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 20x ./checks/engine/
	$(GO) test -run '^$$' -bench 'Startup|CheckProcess' -benchtime 20x .

# A watch of a healthy loopback path (issue 24) for WSDOCTOR_WATCH_BENCH
# (default 1h): its CPU seconds, CPU share and peak resident memory.
bench-watch:
	WSDOCTOR_WATCH_BENCH=$${WSDOCTOR_WATCH_BENCH:-1h} $(GO) test -run '^$$' -bench WatchHour -benchtime 1x -timeout 3h ./checks/engine/

clean:
	rm -f wsdoctor wsdoctor-cli
	rm -rf $(DIST)

# ---- Installers -------------------------------------------------------------
# Each package target starts from a fresh copy of the source tree in
# dist/src (with PRESET=file as assets/preset.json, if given), so a build
# never leaves files in the tree and a support team's preset never touches
# it. fyne is the pinned go tool of go.mod, built once into dist/tools: run
# as `go tool fyne` it would be built with the Windows C compiler too.

DIST    := dist
STAGE   := $(DIST)/src
FYNE    := $(abspath $(DIST)/tools/fyne)
PRESET  ?=
# Numbers for fyne and the Windows version resource: x.y.z and x.y.z.build.
NUM_VERSION := $(or $(shell echo '$(VERSION)' | sed -n 's/^\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p'),$(APP_VERSION))
DEB_VERSION := $(subst -,~,$(VERSION))
# fyne passes -ldflags=... entries of GOFLAGS to go build (values without spaces).
PKG_GOFLAGS := -buildvcs=false -ldflags=-X=$(MODULE)/checks/cli.Version=$(VERSION) \
	-ldflags=-X=$(MODULE)/checks/cli.Commit=$(COMMIT) -ldflags=-X=$(MODULE)/checks/cli.Date=$(DATE)
FYNE_ARGS   := -release -app-version $(NUM_VERSION) -app-build $(BUILD_NUMBER)

LINUX_TARXZ   := $(DIST)/wsdoctor-$(VERSION)-linux-amd64.tar.xz
LINUX_DEB     := $(DIST)/wsdoctor_$(DEB_VERSION)_amd64.deb
WINDOWS_EXE   := $(DIST)/wsdoctor-$(VERSION)-windows-amd64.exe
WINDOWS_CLI   := $(DIST)/wsdoctor-$(VERSION)-windows-amd64-cli.exe
WINDOWS_ZIP   := $(DIST)/wsdoctor-$(VERSION)-windows-amd64.zip
WINDOWS_SETUP := $(DIST)/wsdoctor-$(VERSION)-windows-amd64-installer.exe
WINDOWS_MSI   := $(DIST)/wsdoctor-$(VERSION)-windows-amd64.msi
# Where a release's files are published: the winget manifests point there.
RELEASE_URL   ?= https://codeberg.org/wsdoctor/wsdoctor/releases/download/v$(VERSION)
# The installer's languages and translated strings, from the word
# catalogues (packaging/windows/nsislang).
WINDOWS_NSH   := $(DIST)/wsdoctor-languages.nsh

# Signing the Windows programs (off unless SIGN_PFX is given): a PKCS#12
# file and a file holding its password; TIMESTAMP_URL is an RFC 3161
# server, used only when given.
SIGN_PFX       ?=
SIGN_PASS_FILE ?=
TIMESTAMP_URL  ?=
SIGN_CMD := $(if $(SIGN_PFX),sh $(abspath packaging/windows/sign.sh) $(abspath $(SIGN_PFX)) $(abspath $(SIGN_PASS_FILE)) $(or $(TIMESTAMP_URL),-))

.PHONY: package package-linux package-windows package-darwin package-check test-windows stage icon

package: package-linux package-windows

$(FYNE): go.mod go.sum
	$(GO) build -o $@ fyne.io/tools/cmd/fyne

stage:
	rm -rf $(STAGE) && mkdir -p $(STAGE)
	git ls-files -co --exclude-standard | while IFS= read -r f; do [ -e "$$f" ] && echo "$$f"; done | tar -cf - -T - | tar -xf - -C $(STAGE)
ifneq ($(PRESET),)
	WSDOCTOR_PRESET_FILE='$(abspath $(PRESET))' CGO_ENABLED=0 $(GO) test ./checks/preset -run '^TestPresetFile$$' -count=1
	cp '$(PRESET)' $(STAGE)/assets/preset.json
endif

# Linux: fyne's .tar.xz (binary, .desktop, icon, and a Makefile that installs
# them), made reproducible, and a .deb of the same files.
package-linux: deps-package $(FYNE) stage
	cd $(STAGE) && GOFLAGS='$(PKG_GOFLAGS)' $(FYNE) package -os linux $(FYNE_ARGS) -executable wsdoctor
	sh packaging/linux/build.sh '$(STAGE)/$(APP_NAME).tar.xz' '$(VERSION)' '$(DEB_VERSION)' $(DIST)/linux $(LINUX_TARXZ) $(LINUX_DEB)

# Windows: fyne cross-compiles with MinGW (GUI subsystem, icon, manifest and
# version resource); NSIS wraps it in a per-user installer, in the
# languages of assets/words (nsislang writes them for it), and wixl in a
# per-machine MSI for managed deployment (packaging/windows/msi.sh). The empty .exe
# makes fyne skip its first build: fyne drops GOFLAGS' -ldflags after one
# build, and only its second build (with the resource) is kept. Fyne's
# hardening flags need MinGW's stack protector, linked in statically.
package-windows: deps-package $(FYNE) stage
	touch $(STAGE)/wsdoctor.exe
	cd $(STAGE) && GOFLAGS='$(PKG_GOFLAGS) -ldflags=-extldflags=-l:libssp.a' \
		GOARCH=amd64 CC=x86_64-w64-mingw32-gcc $(FYNE) package -os windows $(FYNE_ARGS) -executable wsdoctor.exe
	cp '$(STAGE)/$(APP_NAME).exe' $(WINDOWS_EXE)
	sh packaging/windows/console-exe.sh $(WINDOWS_EXE) $(WINDOWS_CLI)
ifneq ($(SIGN_PFX),)
	$(SIGN_CMD) $(WINDOWS_EXE)
	$(SIGN_CMD) $(WINDOWS_CLI)
endif
	CGO_ENABLED=0 $(GO) run ./packaging/windows/nsislang -o '$(abspath $(WINDOWS_NSH))'
	makensis -V2 -DVERSION='$(VERSION)' -DVIVERSION=$(NUM_VERSION).$(BUILD_NUMBER) -DAPPID=$(APP_ID) \
		-DEXE='$(abspath $(WINDOWS_EXE))' -DCLIEXE='$(abspath $(WINDOWS_CLI))' -DICON='$(abspath assets/icon.ico)' \
		-DLANGUAGES='$(abspath $(WINDOWS_NSH))' \
		-DOUTFILE='$(abspath $(WINDOWS_SETUP))' $(if $(SIGN_PFX),-DSIGNCMD='$(SIGN_CMD)') packaging/windows/wsdoctor.nsi
	sh packaging/windows/msi.sh $(NUM_VERSION) $(WINDOWS_EXE) $(WINDOWS_CLI) assets/icon.ico $(WINDOWS_MSI)
ifneq ($(SIGN_PFX),)
	$(SIGN_CMD) $(WINDOWS_MSI)
endif
	rm -rf $(DIST)/zip && mkdir -p $(DIST)/zip && cp $(WINDOWS_EXE) $(DIST)/zip/wsdoctor.exe && cp $(WINDOWS_CLI) $(DIST)/zip/wsdoctor-cli.exe
	touch -d @$(SOURCE_DATE_EPOCH) $(DIST)/zip/*.exe && rm -f $(WINDOWS_ZIP) && cd $(DIST)/zip && zip -X -q '$(abspath $(WINDOWS_ZIP))' wsdoctor.exe wsdoctor-cli.exe
	sh packaging/windows/winget.sh '$(VERSION)' $(WINDOWS_MSI) $(WINDOWS_SETUP) '$(RELEASE_URL)' $(DIST)/winget >/dev/null

# macOS: only on a Mac (Xcode's command line tools give the C compiler and
# the frameworks Fyne links; Apple's SDK cannot be used on Linux). Makes an
# unsigned WebSocket Doctor.app, zipped. .github/workflows/release-macos.yml
# runs it on macOS runners.
MAC_ARCH ?= $(shell go env GOARCH)
MACOS_ZIP := $(DIST)/wsdoctor-$(VERSION)-macos-$(MAC_ARCH).zip
package-darwin: $(FYNE) stage
	cd $(STAGE) && GOFLAGS='$(PKG_GOFLAGS)' $(FYNE) package -os darwin $(FYNE_ARGS) -executable wsdoctor
	cd $(STAGE) && ditto -c -k --keepParent '$(APP_NAME).app' '$(abspath $(MACOS_ZIP))'

# Both packages, then what can be checked of them on Linux.
package-check: package
	sh packaging/check.sh '$(VERSION)' $(LINUX_TARXZ) $(LINUX_DEB) $(WINDOWS_EXE) $(WINDOWS_SETUP) $(WINDOWS_CLI) $(WINDOWS_ZIP)
	# msiinfo ends its lines with CR LF.
	msiinfo export $(WINDOWS_MSI) Property | tr -d '\r' | grep -qx "ProductVersion	$(NUM_VERSION)" && \
		msiinfo export $(WINDOWS_MSI) File | tr -d '\r' | grep -q '	wsdoctor-cli.exe	' && echo "ok   $(WINDOWS_MSI): version $(NUM_VERSION), both programs"
	/usr/bin/python3 packaging/windows/winget-check.py '$(DIST)/winget/$(VERSION)'

# The Windows programs run under Wine (packaging/test-windows.sh): the
# packages above (built first if missing), then a second Windows build with
# packaging/windows/test-preset.json built in, signed with a throw-away test
# certificate, for the installer's preset, PATH option and signatures.
# The window's screenshot lands in dist/windows-start.png.
WINE_DIST := $(DIST)/wine
test-windows: deps-windows
	@[ -f $(WINDOWS_SETUP) ] && [ -f $(WINDOWS_CLI) ] && [ -f $(LINUX_TARXZ) ] || $(MAKE) package VERSION='$(VERSION)'
	rm -rf $(WINE_DIST)/sign && sh packaging/windows/test-cert.sh $(WINE_DIST)/sign
	$(MAKE) package-windows VERSION='$(VERSION)' DIST=$(WINE_DIST) PRESET=packaging/windows/test-preset.json \
		SIGN_PFX=$(WINE_DIST)/sign/sign.pfx SIGN_PASS_FILE=$(WINE_DIST)/sign/pass.txt
	VARIANT_INSTALLER='$(abspath $(WINE_DIST))/wsdoctor-$(VERSION)-windows-amd64-installer.exe' \
	VARIANT_PRESET='$(abspath packaging/windows/test-preset.json)' SIGN_CA='$(abspath $(WINE_DIST))/sign/ca.pem' \
	SIGN_PFX='$(abspath $(WINE_DIST))/sign/sign.pfx' SIGN_PASS_FILE='$(abspath $(WINE_DIST))/sign/pass.txt' \
	SCREENSHOT='$(abspath $(DIST))/windows-start.png' \
		bash packaging/test-windows.sh '$(VERSION)' '$(abspath $(LINUX_TARXZ))' '$(abspath $(WINDOWS_EXE))' \
		'$(abspath $(WINDOWS_CLI))' '$(abspath $(WINDOWS_SETUP))'

# Redraw the PNG and the Windows .ico from the SVG (commit the results).
# The fonts the window carries (assets/fonts): Noto Sans CJK cut to the
# characters of the catalogues; ui's TestFontsCarryEveryCharacter says when.
fonts:
	@for p in $(FONT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || { echo "make fonts needs: sudo apt-get install -y $(FONT_PACKAGES)"; exit 1; }; done
	/usr/bin/python3 packaging/fonts/subset.py "$$(go list -m -f '{{.Dir}}' fyne.io/fyne/v2)/theme/font" assets/fonts

icon:
	rsvg-convert -w 512 -h 512 assets/icon.svg -o assets/icon.png
	d=$$(mktemp -d) && for s in 16 24 32 48 64 256; do rsvg-convert -w $$s -h $$s assets/icon.svg -o $$d/$$s.png; done && \
	icotool -c -o assets/icon.ico $$d/16.png $$d/24.png $$d/32.png $$d/48.png $$d/64.png -r $$d/256.png && rm -rf $$d
