# WebSocket Doctor. `make run` opens the app, `make test` runs every test;
# both first install the Debian packages the build and the tests need.

GO      ?= go
MODULE  := codeberg.org/wsdoctor/wsdoctor
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -X $(MODULE)/checks/cli.Version=$(VERSION) -X $(MODULE)/checks/cli.Commit=$(COMMIT) -X $(MODULE)/checks/cli.Date=$(DATE)

# Build: a C compiler and the OpenGL/X11 headers for Fyne's GLFW driver.
BUILD_PACKAGES := gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev
# Tests: a real X server for the window, and the real proxies and servers
# the network scenarios run against (on loopback only).
TEST_PACKAGES  := xvfb xauth x11-apps x11-utils nginx-light haproxy squid tinyproxy microsocks iproute2 iptables
PACKAGES       := $(BUILD_PACKAGES) $(TEST_PACKAGES)

.PHONY: deps run test test-fast build bench clean

deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
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

# Every test: the engine (cgo-free), the window under a virtual X server.
test: deps
	gofmt -l . | (! grep .) || (echo "gofmt wants changes in the files above"; exit 1)
	$(GO) vet ./...
	GOOS=windows $(GO) vet ./checks/...
	GOOS=darwin $(GO) vet ./checks/...
	CGO_ENABLED=0 $(GO) test ./checks/...
	xvfb-run -a -s '-screen 0 1280x800x24' $(GO) test -race ./...

# The fast loop: the engine only, no cgo.
test-fast:
	CGO_ENABLED=0 $(GO) test ./checks/...

bench:
	$(GO) test -run '^$$' -bench . -benchtime 20x ./checks/

clean:
	rm -f wsdoctor
