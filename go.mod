module wsdoctor

go 1.26.0

require (
	github.com/gorilla/websocket v1.5.3
	golang.org/x/crypto/x509roots/fallback v0.0.0-20261030153154-30a33513ff6d
	golang.org/x/net v0.62.0
)

require golang.org/x/text v0.43.0 // indirect
