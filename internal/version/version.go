// Package version carries the build's version, set at link time by the
// release build (-ldflags "-X .../internal/version.Version=v1.2.3").
package version

// Version is a semantic version; local builds are "0.1.0-dev".
var Version = "0.1.0-dev"

// UserAgent is the product part of the User-Agent BrickOps clients send.
func UserAgent() string { return "brickops/" + Version }
