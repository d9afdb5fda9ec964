package client_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/databricks/databricks-sdk-go"

	"github.com/brickops/terraform-provider-brickops/internal/client"
	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

// Regression (issue 15): a wrong token answered "Invalid access token."
// without naming the host or where the token came from.
func TestWorkspace_wrongTokenNamesHostAndSource(t *testing.T) {
	emu := emulatortest.Start(t)
	ctx := context.Background()

	w, err := client.Workspace(client.Isolated(emu.URL, "dapi-wrong"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.CurrentUser.Me(ctx)
	want := "Invalid access token. (" + emu.URL + " refused the token from the token set in configuration (the provider's token argument"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("explicit token: %v\nwant it to contain %q", err, want)
	}

	t.Setenv("DATABRICKS_TOKEN", "dapi-wrong")
	t.Setenv("DATABRICKS_CONFIG_FILE", os.DevNull)
	w, err = client.Workspace(&databricks.Config{Host: emu.URL, AuthType: "pat"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.CurrentUser.Me(ctx)
	want = "refused the token from the DATABRICKS_TOKEN environment variable"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("token from the environment: %v\nwant it to contain %q", err, want)
	}

	// The right token still works through the wrapped transport.
	w, err = client.Workspace(client.Isolated(emu.URL, emu.Token))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.CurrentUser.Me(ctx); err != nil {
		t.Errorf("right token: %v", err)
	}
}
