package cli

import (
	"log/slog"
	"os"

	"github.com/aws/jsii-runtime-go"
)

// Init prepares the process for kargo's commands; call it first in main. jsii-runtime-go
// prints a node end-of-life banner on node 20 unless an environment variable says not
// to, and reads it when its client starts, so the client is restarted after setting it.
// The Helm SDK logs informational lines through the default logger: only warnings go out.
func Init() {
	if os.Getenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") == "" {
		os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
		jsii.Close()
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

// Exit stops the jsii kernel (the node child) and exits with code.
func Exit(code int) {
	jsii.Close()
	os.Exit(code)
}
