package reliability

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go/service/compute"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
	"github.com/brickops/terraform-provider-brickops/internal/emuproc"
	"github.com/brickops/terraform-provider-brickops/internal/stackgen"
	"github.com/brickops/terraform-provider-brickops/internal/testbin"
	"github.com/brickops/terraform-provider-brickops/internal/tfcli"
)

// stack is an emulator process plus a Terraform working directory with a
// generated configuration pointed at it through the local provider.
type stack struct {
	t      *testing.T
	bin    string
	proc   *emuproc.Process
	emu    *emulatortest.Emulator
	tf     tfcli.Terraform
	dir    string
	stderr *syncBuffer
}

type stackOptions struct {
	resources int
	token     string
	emuArgs   []string
	// write, when set, writes the configuration into the stack's
	// directory instead of the generated clusters.
	write func(dir string) error
}

func newStack(t *testing.T, o stackOptions) *stack {
	t.Helper()
	work := t.TempDir()
	s := &stack{t: t, bin: testbin.Dir(t), dir: filepath.Join(work, "stack"), stderr: &syncBuffer{}}
	proc, err := emuproc.Start(context.Background(), emuproc.Options{
		Bin: filepath.Join(s.bin, "brickops"), DataDir: filepath.Join(work, "emulator"),
		Token: o.token, Args: o.emuArgs, Stderr: s.stderr,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := proc.Stop(); err != nil {
			t.Errorf("stopping the emulator: %v", err)
		}
	})
	s.proc, s.emu = proc, emulatortest.Attach(proc.Host, proc.Token, proc.OperatorToken)
	tfrc := filepath.Join(work, "terraform.rc")
	if err := tfcli.WriteDevOverrides(tfrc, s.bin); err != nil {
		t.Fatal(err)
	}
	s.tf = tfcli.Terraform{Bin: testbin.Terraform(t), Env: proc.Env(tfrc)}
	// By default clusters only; the lost-answers suite brings its own
	// stack of every resource type (lostanswers.go).
	write := func(dir string) error { return stackgen.Write(dir, o.resources, []stackgen.Kind{stackgen.Cluster}) }
	if o.write != nil {
		write = o.write
	}
	if err := write(s.dir); err != nil {
		t.Fatal(err)
	}
	return s
}

// terraform runs terraform in the stack's directory with a time limit.
func (s *stack) terraform(args ...string) (string, error) {
	return s.terraformEnv(nil, args...)
}

// terraformEnv is terraform with extra environment variables, which win
// over the stack's.
func (s *stack) terraformEnv(extra []string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tf := s.tf
	tf.Env = append(append([]string(nil), s.tf.Env...), extra...)
	return tf.Run(ctx, s.dir, args...)
}

// mustTerraform runs terraform and fails the test if it fails.
func (s *stack) mustTerraform(args ...string) string {
	s.t.Helper()
	out, err := s.terraform(args...)
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// activeClusters lists, through the SDK, the clusters that are not terminated.
func (s *stack) activeClusters() []compute.ClusterDetails {
	s.t.Helper()
	all, err := s.emu.WorkspaceClient(s.t).Clusters.ListAll(context.Background(), compute.ListClustersRequest{})
	if err != nil {
		s.t.Fatalf("listing clusters: %v", err)
	}
	var active []compute.ClusterDetails
	for _, c := range all {
		if c.State != compute.StateTerminated && c.State != compute.StateTerminating {
			active = append(active, c)
		}
	}
	return active
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// syncBuffer collects a process's stderr while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
