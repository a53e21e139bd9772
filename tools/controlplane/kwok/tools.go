//go:build tools

// The binary built from this module; the build tag keeps this file out of every build.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
