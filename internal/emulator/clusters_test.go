package emulator_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/apierr"
	"github.com/databricks/databricks-sdk-go/service/compute"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/emulatortest"
)

func TestClusters_lifecycleThroughSDK(t *testing.T) {
	// The delay leaves room for a loaded machine between the create and
	// the read that must still see PENDING.
	emu := emulatortest.Start(t, emulatortest.WithAsyncDelay(250*time.Millisecond))
	w := emu.WorkspaceClient(t)
	ctx := context.Background()

	created, err := w.Clusters.Create(ctx, compute.CreateCluster{
		ClusterName:            "train",
		SparkVersion:           "15.4.x-cpu-ml-scala2.12",
		NodeTypeId:             "Standard_DS3_v2",
		NumWorkers:             2,
		AutoterminationMinutes: 30,
		CustomTags:             map[string]string{"team": "ml"},
		SparkConf:              map[string]string{"spark.speculation": "true"},
		DataSecurityMode:       compute.DataSecurityModeSingleUser,
		SingleUserName:         "alice@example.com",
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	got, err := w.Clusters.GetByClusterId(ctx, created.ClusterId)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if got.State != compute.StatePending {
		t.Errorf("state right after create = %s, want PENDING", got.State)
	}
	running, err := w.Clusters.WaitGetClusterRunning(ctx, created.ClusterId, time.Minute, nil)
	if err != nil {
		t.Fatalf("waiting for RUNNING: %v", err)
	}
	if running.NumWorkers != 2 || running.AutoterminationMinutes != 30 || running.CustomTags["team"] != "ml" ||
		running.SparkConf["spark.speculation"] != "true" || running.SingleUserName != "alice@example.com" {
		t.Errorf("running cluster does not echo its spec: %+v", running)
	}
	for k, want := range map[string]string{"Vendor": "Databricks", "ClusterName": "train", "ClusterId": created.ClusterId, "Creator": "brickops@example.com"} {
		if running.DefaultTags[k] != want {
			t.Errorf("default_tags[%s] = %q, want %q", k, running.DefaultTags[k], want)
		}
	}

	// Editing a running cluster restarts it.
	if _, err := w.Clusters.Edit(ctx, compute.EditCluster{
		ClusterId: created.ClusterId, ClusterName: "train", SparkVersion: "15.4.x-cpu-ml-scala2.12",
		NodeTypeId: "Standard_DS4_v2", NumWorkers: 3, AutoterminationMinutes: 60,
	}); err != nil {
		t.Fatalf("edit: %v", err)
	}
	got, _ = w.Clusters.GetByClusterId(ctx, created.ClusterId)
	if got.State != compute.StateRestarting {
		t.Errorf("state after editing a running cluster = %s, want RESTARTING", got.State)
	}
	running, err = w.Clusters.WaitGetClusterRunning(ctx, created.ClusterId, time.Minute, nil)
	if err != nil {
		t.Fatalf("waiting after edit: %v", err)
	}
	if running.NodeTypeId != "Standard_DS4_v2" || running.NumWorkers != 3 || running.CustomTags != nil {
		t.Errorf("edit did not replace the spec: node %s workers %d tags %v", running.NodeTypeId, running.NumWorkers, running.CustomTags)
	}

	// Resize to autoscale.
	if _, err := w.Clusters.Resize(ctx, compute.ResizeCluster{ClusterId: created.ClusterId, Autoscale: &compute.AutoScale{MinWorkers: 1, MaxWorkers: 4}}); err != nil {
		t.Fatalf("resize: %v", err)
	}
	running, err = w.Clusters.WaitGetClusterRunning(ctx, created.ClusterId, time.Minute, nil)
	if err != nil || running.Autoscale == nil || running.Autoscale.MaxWorkers != 4 {
		t.Fatalf("after resize: %v %+v", err, running)
	}

	// Terminate, then a restart is refused, a start works.
	if _, err := w.Clusters.DeleteByClusterIdAndWait(ctx, created.ClusterId); err != nil {
		t.Fatalf("terminate: %v", err)
	}
	got, _ = w.Clusters.GetByClusterId(ctx, created.ClusterId)
	if got.State != compute.StateTerminated || got.TerminationReason == nil || got.TerminationReason.Code != "USER_REQUEST" {
		t.Errorf("after terminate: state %s reason %+v", got.State, got.TerminationReason)
	}
	_, err = w.Clusters.Restart(ctx, compute.RestartCluster{ClusterId: created.ClusterId})
	var apiErr *apierr.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode != "INVALID_STATE" || !strings.Contains(apiErr.Message, "unexpected state Terminated") {
		t.Errorf("restart of a terminated cluster: %v", err)
	}
	if _, err := w.Clusters.StartByClusterIdAndWait(ctx, created.ClusterId); err != nil {
		t.Fatalf("start: %v", err)
	}

	// Permanent delete makes it unknown, which the SDK reads as not found.
	if err := w.Clusters.PermanentDeleteByClusterId(ctx, created.ClusterId); err != nil {
		t.Fatalf("permanent delete: %v", err)
	}
	_, err = w.Clusters.GetByClusterId(ctx, created.ClusterId)
	if !errors.Is(err, apierr.ErrResourceDoesNotExist) {
		t.Errorf("get after permanent delete = %v, want ErrResourceDoesNotExist", err)
	}
}

func TestClusters_rejectsBadInput(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	base := compute.CreateCluster{SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 1}
	cases := []struct {
		name   string
		mutate func(c *compute.CreateCluster)
		want   string
	}{
		{"negative workers", func(c *compute.CreateCluster) { c.NumWorkers = -1 }, "num_workers must be non-negative"},
		{"unknown node type", func(c *compute.CreateCluster) { c.NodeTypeId = "Standard_Nope" }, "Node type Standard_Nope is not supported"},
		{"unknown spark version", func(c *compute.CreateCluster) { c.SparkVersion = "1.0.x" }, "Invalid spark version 1.0.x"},
		{"missing spark version", func(c *compute.CreateCluster) { c.SparkVersion = "" }, "Missing required field: spark_version"},
		{"autotermination too low", func(c *compute.CreateCluster) { c.AutoterminationMinutes = 5 }, "between 10 and 10000"},
		{"unknown security mode", func(c *compute.CreateCluster) { c.DataSecurityMode = "OPEN" }, `Invalid data_security_mode "OPEN"`},
		{"reserved tag", func(c *compute.CreateCluster) { c.CustomTags = map[string]string{"Vendor": "x"} }, `"Vendor" is reserved`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := base
			tc.mutate(&req)
			_, err := w.Clusters.Create(ctx, req)
			var apiErr *apierr.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("create succeeded or failed oddly: %v", err)
			}
			if apiErr.StatusCode != http.StatusBadRequest || apiErr.ErrorCode != "INVALID_PARAMETER_VALUE" || !strings.Contains(apiErr.Message, tc.want) {
				t.Errorf("got %d %s %q, want 400 INVALID_PARAMETER_VALUE containing %q", apiErr.StatusCode, apiErr.ErrorCode, apiErr.Message, tc.want)
			}
		})
	}
}

func TestClusters_listPaginatesAndFilters(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if _, err := w.Clusters.Create(ctx, compute.CreateCluster{SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 1}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := w.Clusters.ListAll(ctx, compute.ListClustersRequest{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 {
		t.Errorf("listed %d clusters over pages of 2, want 5", len(all))
	}
	pages := emu.Requests(t, "/api/2.1/clusters/list")
	if len(pages) != 3 {
		t.Errorf("listing 5 clusters by 2 took %d requests, want 3", len(pages))
	}
	terminated, err := w.Clusters.ListAll(ctx, compute.ListClustersRequest{FilterBy: &compute.ListClustersFilterBy{ClusterStates: []compute.State{compute.StateTerminated}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(terminated) != 0 {
		t.Errorf("filter by TERMINATED returned %d clusters, want 0", len(terminated))
	}
}

func TestClusters_catalogues(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	v, err := w.Clusters.SelectSparkVersion(ctx, compute.SparkVersionRequest{LongTermSupport: true, ML: true, Latest: true})
	if err != nil {
		t.Fatal(err)
	}
	if v != "17.3.x-cpu-ml-scala2.13" {
		t.Errorf("latest LTS ML runtime = %q", v)
	}
	n, err := w.Clusters.SelectNodeType(ctx, compute.NodeTypeRequest{MinMemoryGB: 16, MinCores: 8, LocalDisk: false})
	if err != nil {
		t.Fatal(err)
	}
	if n == "" {
		t.Error("no node type with 8 cores and 16 GB")
	}
}

// TestClusters_pinFilterEventsAndAutoscaleShape: what the official provider
// reads back after apply. A pinned cluster is found through
// filter_by.is_pinned (ClusterDetails has no is_pinned), an autoscaling
// cluster's answer carries no num_workers, and clusters/events lists the
// lifecycle newest first.
func TestClusters_pinFilterEventsAndAutoscaleShape(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	auto, err := createRunning(ctx, w, compute.CreateCluster{
		ClusterName: "auto", SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2",
		Autoscale: &compute.AutoScale{MinWorkers: 1, MaxWorkers: 3},
	})
	if err != nil {
		t.Fatalf("create autoscale: %v", err)
	}
	fixed, err := createRunning(ctx, w, compute.CreateCluster{
		ClusterName: "fixed", SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 2,
	})
	if err != nil {
		t.Fatalf("create fixed: %v", err)
	}
	status, raw := rawRequest(t, "GET", emu.URL+"/api/2.1/clusters/get?cluster_id="+auto.ClusterId, "Bearer "+emu.Token, "")
	if status != 200 || strings.Contains(raw, `"num_workers"`) || !strings.Contains(raw, `"autoscale":{"min_workers":1,"max_workers":3}`) {
		t.Errorf("autoscaling cluster answer: %d %s", status, raw)
	}

	pinned := func() []string {
		var ids []string
		all, err := w.Clusters.ListAll(ctx, compute.ListClustersRequest{FilterBy: &compute.ListClustersFilterBy{IsPinned: true}})
		if err != nil {
			t.Fatalf("list pinned: %v", err)
		}
		for _, c := range all {
			ids = append(ids, c.ClusterId)
		}
		return ids
	}
	if got := pinned(); len(got) != 0 {
		t.Errorf("pinned before any pin: %v", got)
	}
	if err := w.Clusters.PinByClusterId(ctx, fixed.ClusterId); err != nil {
		t.Fatalf("pin: %v", err)
	}
	if got := pinned(); len(got) != 1 || got[0] != fixed.ClusterId {
		t.Errorf("pinned = %v, want [%s]", got, fixed.ClusterId)
	}
	bySource, err := w.Clusters.ListAll(ctx, compute.ListClustersRequest{FilterBy: &compute.ListClustersFilterBy{ClusterSources: []compute.ClusterSource{compute.ClusterSourceJob}}})
	if err != nil || len(bySource) != 0 {
		t.Errorf("clusters from jobs = %d (%v), want none", len(bySource), err)
	}
	if err := w.Clusters.UnpinByClusterId(ctx, fixed.ClusterId); err != nil {
		t.Fatalf("unpin: %v", err)
	}
	if got := pinned(); len(got) != 0 {
		t.Errorf("pinned after unpin: %v", got)
	}

	events, err := w.Clusters.EventsAll(ctx, compute.GetEvents{ClusterId: fixed.ClusterId})
	if err != nil {
		t.Fatalf("events: %v", err)
	}
	var types []string
	for _, e := range events {
		types = append(types, string(e.Type))
		if e.ClusterId != fixed.ClusterId {
			t.Errorf("event of another cluster: %+v", e)
		}
	}
	if got, want := strings.Join(types, ","), "UNPINNED,PINNED,RUNNING,CREATING"; got != want {
		t.Errorf("events = %s, want %s", got, want)
	}
	asc, err := w.Clusters.EventsAll(ctx, compute.GetEvents{ClusterId: fixed.ClusterId, Order: compute.GetEventsOrderAsc, PageSize: 1, EventTypes: []compute.EventType{compute.EventTypePinned, compute.EventTypeUnpinned}})
	if err != nil || len(asc) != 2 || asc[0].Type != compute.EventTypePinned || asc[1].Type != compute.EventTypeUnpinned {
		t.Errorf("pin events in ascending order, a page each: %+v (%v)", asc, err)
	}
	// The older offset/limit pages, as the official provider sends them.
	var legacy struct {
		Events   []compute.ClusterEvent `json:"events"`
		NextPage *struct {
			Offset int `json:"offset"`
		} `json:"next_page"`
		Total int `json:"total_count"`
	}
	emu.Do(t, "POST", "/api/2.1/clusters/events", map[string]any{"cluster_id": fixed.ClusterId, "limit": 3}, &legacy)
	if len(legacy.Events) != 3 || legacy.Total != 4 || legacy.NextPage == nil || legacy.NextPage.Offset != 3 {
		t.Errorf("offset/limit page: %+v", legacy)
	}
}

// TestLibraries_installStatusUninstall: the statuses the official
// provider waits on after creating a cluster with libraries.
func TestLibraries_installStatusUninstall(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	c, err := createRunning(ctx, w, compute.CreateCluster{SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 1})
	if err != nil {
		t.Fatal(err)
	}
	libs := []compute.Library{{Pypi: &compute.PythonPyPiLibrary{Package: "xgboost==2.0.3"}}, {Maven: &compute.MavenLibrary{Coordinates: "com.example:lib:1.0"}}}
	if err := w.Libraries.Install(ctx, compute.InstallLibraries{ClusterId: c.ClusterId, Libraries: libs}); err != nil {
		t.Fatalf("install: %v", err)
	}
	// Installing the same library again does not duplicate it.
	if err := w.Libraries.Install(ctx, compute.InstallLibraries{ClusterId: c.ClusterId, Libraries: libs[:1]}); err != nil {
		t.Fatalf("install again: %v", err)
	}
	st, err := w.Libraries.ClusterStatusByClusterId(ctx, c.ClusterId)
	if err != nil || len(st.LibraryStatuses) != 2 || st.LibraryStatuses[0].Status != compute.LibraryInstallStatusInstalled || st.LibraryStatuses[0].Library.Pypi.Package != "xgboost==2.0.3" {
		t.Fatalf("cluster status = %+v, %v", st, err)
	}
	if err := w.Libraries.Uninstall(ctx, compute.UninstallLibraries{ClusterId: c.ClusterId, Libraries: libs[1:]}); err != nil {
		t.Fatalf("uninstall: %v", err)
	}
	all, err := w.Libraries.AllClusterStatusesAll(ctx)
	if err != nil || len(all) != 1 || all[0].LibraryStatuses[1].Status != compute.LibraryInstallStatusUninstallOnRestart {
		t.Fatalf("all statuses = %+v, %v", all, err)
	}
	// A terminated cluster's libraries wait; the uninstall takes effect at the next start.
	if _, err := w.Clusters.DeleteByClusterIdAndWait(ctx, c.ClusterId); err != nil {
		t.Fatal(err)
	}
	st, err = w.Libraries.ClusterStatusByClusterId(ctx, c.ClusterId)
	if err != nil || len(st.LibraryStatuses) != 2 || st.LibraryStatuses[0].Status != compute.LibraryInstallStatusPending {
		t.Fatalf("statuses on a terminated cluster = %+v, %v", st, err)
	}
	if _, err := w.Clusters.StartByClusterIdAndWait(ctx, c.ClusterId); err != nil {
		t.Fatal(err)
	}
	st, err = w.Libraries.ClusterStatusByClusterId(ctx, c.ClusterId)
	if err != nil || len(st.LibraryStatuses) != 1 || st.LibraryStatuses[0].Status != compute.LibraryInstallStatusInstalled {
		t.Fatalf("statuses after restart = %+v, %v", st, err)
	}
}

// TestClusters_pinnedClusterIsNotPermanentlyDeleted: clients unpin on this
// answer and try again (the official provider's cluster delete does).
func TestClusters_pinnedClusterIsNotPermanentlyDeleted(t *testing.T) {
	emu := emulatortest.Start(t)
	w := emu.WorkspaceClient(t)
	ctx := context.Background()
	c, err := w.Clusters.Create(ctx, compute.CreateCluster{SparkVersion: "15.4.x-scala2.12", NodeTypeId: "Standard_DS3_v2", NumWorkers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Clusters.PinByClusterId(ctx, c.ClusterId); err != nil {
		t.Fatal(err)
	}
	err = w.Clusters.PermanentDeleteByClusterId(ctx, c.ClusterId)
	wantAPIError(t, err, http.StatusBadRequest, "INVALID_PARAMETER_VALUE", "unpin the cluster first")
	if err := w.Clusters.UnpinByClusterId(ctx, c.ClusterId); err != nil {
		t.Fatal(err)
	}
	if err := w.Clusters.PermanentDeleteByClusterId(ctx, c.ClusterId); err != nil {
		t.Fatalf("permanent delete after unpin: %v", err)
	}
}

// createRunning creates a cluster and waits until it runs.
func createRunning(ctx context.Context, w *databricks.WorkspaceClient, spec compute.CreateCluster) (*compute.ClusterDetails, error) {
	wait, err := w.Clusters.Create(ctx, spec)
	if err != nil {
		return nil, err
	}
	return wait.Get()
}
