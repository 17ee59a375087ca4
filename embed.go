// Package ikrar embeds the files the binary serves: HTML templates and
// static assets. It sits at the repository root because go:embed cannot
// reach parent directories.
package ikrar

import "embed"

// Templates holds templates/*.html.
//
//go:embed templates
var Templates embed.FS

// Static holds the CSS, JavaScript, vendored signature_pad and icons.
//
//go:embed static
var Static embed.FS
