package azure

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Azure Resource Manager: resource groups and Microsoft.Databricks/workspaces
// with ARM's long-running-operation protocol. Sources: the Azure REST API
// specs as compiled into armdatabricks v1.1.0 (workspaces_client.go: paths,
// api-version 2023-02-01, accepted status codes; models.go: field names and
// enums), azcore runtime/poller.go and internal/poller (how clients follow
// Azure-AsyncOperation and Location), and the ARM RPC error contract
// ({"error":{"code","message"}}).
//
// ARM matches path segments case-insensitively; clients spell them
// "resourceGroups" (armdatabricks) or "resourcegroups" (armresources), so
// both spellings are routed. Objects are keyed by lower-cased names.

// ARMError is an error answered in ARM's shape.
type ARMError struct {
	Status  int
	Code    string
	Message string
}

func (e *ARMError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func armErr(status int, code, format string, args ...any) *ARMError {
	return &ARMError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func armBadRequest(code, format string, args ...any) *ARMError {
	return armErr(http.StatusBadRequest, code, format, args...)
}

func writeARMError(w http.ResponseWriter, err error) {
	ae, ok := err.(*ARMError)
	if !ok {
		ae = armErr(http.StatusInternalServerError, "InternalServerError", "%v", err)
	}
	core.WriteJSON(w, ae.Status, map[string]any{"error": map[string]string{"code": ae.Code, "message": ae.Message}})
}

// armResponse is an ARM answer: status, optional body (nil: none) and headers.
type armResponse struct {
	status int
	body   any
	header map[string]string
}

type armHandler func(r *http.Request) (*armResponse, error)

// API versions each resource type accepts. A request without api-version or
// with one ARM does not know is refused before any handler runs.
var (
	resourceGroupAPIVersions = []string{"2019-05-10", "2019-10-01", "2020-06-01", "2021-01-01", "2021-04-01", "2022-09-01", "2023-07-01", "2024-03-01", "2024-07-01", "2024-11-01", "2025-04-01"}
	databricksAPIVersions    = []string{"2018-04-01", "2021-04-01-preview", "2022-04-01-preview", "2022-10-01-preview", "2023-02-01", "2023-09-15-preview", "2024-02-01-preview", "2024-05-01", "2024-09-01-preview", "2025-03-01-preview"}
)

// databricksLocations are the regions Azure Databricks is offered in.
var databricksLocations = []string{
	"australiacentral", "australiacentral2", "australiaeast", "australiasoutheast", "brazilsouth", "canadacentral",
	"canadaeast", "centralindia", "centralus", "chinaeast2", "chinaeast3", "chinanorth2", "chinanorth3", "eastasia",
	"eastus", "eastus2", "francecentral", "germanywestcentral", "italynorth", "japaneast", "japanwest", "koreacentral",
	"mexicocentral", "northcentralus", "northeurope", "norwayeast", "qatarcentral", "southafricanorth",
	"southcentralus", "southeastasia", "southindia", "swedencentral", "switzerlandnorth", "switzerlandwest",
	"uaenorth", "uksouth", "ukwest", "usgovarizona", "usgovvirginia", "westcentralus", "westeurope", "westindia",
	"westus", "westus2", "westus3",
}

// armRoute registers an ARM route: ARM authentication, then the api-version
// check for the resource type, then the handler.
func (s *Service) armRoute(pattern string, versions []string, resourceType string, h armHandler) {
	s.Handle(core.FamilyARM, pattern, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-ms-request-id", newGUID())
		w.Header().Set("x-ms-correlation-request-id", newGUID())
		if err := s.checkARMAuth(r); err != nil {
			writeARMError(w, err)
			return
		}
		if err := checkAPIVersion(r, versions, resourceType); err != nil {
			writeARMError(w, err)
			return
		}
		resp, err := h(r)
		if err != nil {
			writeARMError(w, err)
			return
		}
		for k, v := range resp.header {
			w.Header().Set(k, v)
		}
		if resp.body == nil {
			w.WriteHeader(resp.status)
			return
		}
		core.WriteJSON(w, resp.status, resp.body)
	})
}

func checkAPIVersion(r *http.Request, versions []string, resourceType string) *ARMError {
	v := r.URL.Query().Get("api-version")
	switch {
	case v == "":
		return armBadRequest("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
	case slices.Contains(versions, v):
		return nil
	case resourceType == "resourceGroups":
		return armBadRequest("InvalidApiVersionParameter", "The api-version '%s' is invalid. The supported versions are '%s'.", v, strings.Join(versions, ","))
	default:
		return armBadRequest("NoRegisteredProviderFound",
			"No registered resource provider found for API version '%s' and type '%s'. The supported api-versions are '%s'.", v, resourceType, strings.Join(versions, ", "))
	}
}

// armUnknownRoute answers paths under /subscriptions/ the emulator does not
// serve: 501 in ARM's shape (a 404 would read as "resource gone").
func (s *Service) armUnknownRoute(w http.ResponseWriter, r *http.Request) {
	if err := s.checkARMAuth(r); err != nil {
		writeARMError(w, err)
		return
	}
	writeARMError(w, armErr(http.StatusNotImplemented, "NotImplemented", "The emulator does not implement %s %s.", r.Method, r.URL.Path))
}

// ---- resource groups ----

const (
	bucketResourceGroups = "arm_resource_groups"
	BucketARMWorkspaces  = "arm_workspaces"
	bucketARMOperations  = "arm_operations"
)

// resourceGroup is Microsoft.Resources/resourceGroups. Source: armresources
// ResourceGroup (id, name, type, location, managedBy, tags,
// properties.provisioningState).
type resourceGroup struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Type       string            `json:"type"`
	Location   string            `json:"location"`
	ManagedBy  string            `json:"managedBy,omitempty"`
	Tags       map[string]string `json:"tags,omitempty"`
	Properties struct {
		ProvisioningState string `json:"provisioningState"`
	} `json:"properties"`
}

func rgKey(sub, rg string) string { return strings.ToLower(sub + "/" + rg) }

func rgID(sub, rg string) string { return "/subscriptions/" + sub + "/resourceGroups/" + rg }

var resourceGroupName = regexp.MustCompile(`^[-\w._()]{1,90}$`)

func newResourceGroup(sub, name, location, managedBy string, tags map[string]string) resourceGroup {
	g := resourceGroup{ID: rgID(sub, name), Name: name, Type: "Microsoft.Resources/resourceGroups",
		Location: location, ManagedBy: managedBy, Tags: tags}
	g.Properties.ProvisioningState = "Succeeded"
	return g
}

func (s *Service) putResourceGroup(r *http.Request) (*armResponse, error) {
	sub, name := r.PathValue("sub"), r.PathValue("rg")
	if !resourceGroupName.MatchString(name) || strings.HasSuffix(name, ".") {
		return nil, armBadRequest("InvalidResourceGroup", "The provided resource group name '%s' has these invalid characters: '%s'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.", name, name)
	}
	var in struct {
		Location  string            `json:"location"`
		ManagedBy string            `json:"managedBy"`
		Tags      map[string]string `json:"tags"`
	}
	if err := decodeARMBody(r, &in); err != nil {
		return nil, err
	}
	if in.Location == "" {
		return nil, armBadRequest("LocationRequired", "The location property is required for this definition.")
	}
	location := normalizeLocation(in.Location)
	status := http.StatusOK
	var out resourceGroup
	err := s.Store().Update(func(tx core.Tx) error {
		var existing resourceGroup
		found, err := tx.Get(bucketResourceGroups, rgKey(sub, name), &existing)
		if err != nil {
			return err
		}
		if found {
			if existing.Location != location {
				return armBadRequest("InvalidResourceGroupLocation",
					"Invalid resource group location '%s'. The Resource group already exists in location '%s'.", location, existing.Location)
			}
			name = existing.Name
		} else {
			status = http.StatusCreated
		}
		out = newResourceGroup(sub, name, location, in.ManagedBy, in.Tags)
		return tx.Put(bucketResourceGroups, rgKey(sub, name), out)
	})
	if err != nil {
		return nil, err
	}
	return &armResponse{status: status, body: out}, nil
}

func (s *Service) getResourceGroup(r *http.Request) (*armResponse, error) {
	var g resourceGroup
	err := s.Store().View(func(tx core.Tx) error {
		var err error
		g, err = loadResourceGroup(tx, r.PathValue("sub"), r.PathValue("rg"))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &armResponse{status: http.StatusOK, body: g}, nil
}

// headResourceGroup is ResourceGroups.CheckExistence: 204 or 404, no body.
func (s *Service) headResourceGroup(r *http.Request) (*armResponse, error) {
	status := http.StatusNoContent
	err := s.Store().View(func(tx core.Tx) error {
		found, err := tx.Get(bucketResourceGroups, rgKey(r.PathValue("sub"), r.PathValue("rg")), &resourceGroup{})
		if !found {
			status = http.StatusNotFound
		}
		return err
	})
	return &armResponse{status: status}, err
}

func loadResourceGroup(tx core.Tx, sub, name string) (resourceGroup, error) {
	var g resourceGroup
	found, err := tx.Get(bucketResourceGroups, rgKey(sub, name), &g)
	if err != nil {
		return g, err
	}
	if !found {
		return g, armErr(http.StatusNotFound, "ResourceGroupNotFound", "Resource group '%s' could not be found.", name)
	}
	return g, nil
}

// ---- Microsoft.Databricks/workspaces ----

// armWorkspace is a Microsoft.Databricks/workspaces resource as ARM shows
// it, plus emulator bookkeeping (json "_…", never answered).
type armWorkspace struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Type       string            `json:"type"`
	Location   string            `json:"location"`
	SKU        *armSKU           `json:"sku,omitempty"`
	Tags       map[string]string `json:"tags,omitempty"`
	Properties armWorkspaceProps `json:"properties"`
	SystemData *armSystemData    `json:"systemData,omitempty"`

	Sub  string         `json:"_sub,omitempty"`
	RG   string         `json:"_rg,omitempty"`
	Port int            `json:"_port,omitempty"`
	Next *armTransition `json:"_next,omitempty"`
}

type armSKU struct {
	Name string `json:"name"`
	Tier string `json:"tier,omitempty"`
}

type armParam struct {
	Type  string `json:"type,omitempty"`
	Value any    `json:"value"`
}

type armWorkspaceProps struct {
	ManagedResourceGroupID string               `json:"managedResourceGroupId"`
	Parameters             map[string]*armParam `json:"parameters,omitempty"`
	ProvisioningState      string               `json:"provisioningState,omitempty"`
	PublicNetworkAccess    string               `json:"publicNetworkAccess,omitempty"`
	RequiredNsgRules       string               `json:"requiredNsgRules,omitempty"`
	WorkspaceID            string               `json:"workspaceId,omitempty"`
	WorkspaceURL           string               `json:"workspaceUrl,omitempty"`
	CreatedDateTime        string               `json:"createdDateTime,omitempty"`
	Authorizations         []armAuthorization   `json:"authorizations,omitempty"`
}

type armAuthorization struct {
	PrincipalID      string `json:"principalId"`
	RoleDefinitionID string `json:"roleDefinitionId"`
}

type armSystemData struct {
	CreatedBy          string `json:"createdBy"`
	CreatedByType      string `json:"createdByType"`
	CreatedAt          string `json:"createdAt"`
	LastModifiedBy     string `json:"lastModifiedBy"`
	LastModifiedByType string `json:"lastModifiedByType"`
	LastModifiedAt     string `json:"lastModifiedAt"`
}

// armTransition is the pending end of a long-running operation: at At (unix
// ms) the workspace reaches State, or disappears when Delete is set.
type armTransition struct {
	State     string `json:"state"`
	Delete    bool   `json:"delete,omitempty"`
	At        int64  `json:"at"`
	Operation string `json:"operation"`
}

// workspaceParameters are the custom parameters the emulator knows, with the
// type ARM reports for each. Source: armdatabricks WorkspaceCustomParameters
// and models_serde.go (JSON names).
var workspaceParameters = map[string]string{
	"amlWorkspaceId": "String", "customPrivateSubnetName": "String", "customPublicSubnetName": "String",
	"customVirtualNetworkId": "String", "enableNoPublicIp": "Bool", "loadBalancerBackendPoolName": "String",
	"loadBalancerId": "String", "natGatewayName": "String", "prepareEncryption": "Bool", "publicIpName": "String",
	"requireInfrastructureEncryption": "Bool", "storageAccountName": "String", "storageAccountSkuName": "String",
	"vnetAddressPrefix": "String",
}

const (
	provisioningAccepted  = "Accepted"
	provisioningSucceeded = "Succeeded"
	provisioningUpdating  = "Updating"
	provisioningDeleting  = "Deleting"
)

func workspaceKey(sub, rg, name string) string { return strings.ToLower(sub + "/" + rg + "/" + name) }

func workspaceResourceID(sub, rg, name string) string {
	return rgID(sub, rg) + "/providers/Microsoft.Databricks/workspaces/" + name
}

var (
	workspaceNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{3,64}$`)
	managedRGPattern     = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/resourceGroups/([^/]+)$`)
	vnetIDPattern        = regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+$`)
)

// settle applies w's pending transition if it is due. It reports whether
// the workspace is gone (a finished delete).
func (w *armWorkspace) settle(now time.Time) (deleted bool) {
	if w.Next == nil || now.UnixMilli() < w.Next.At {
		return false
	}
	if w.Next.Delete {
		return true
	}
	w.Properties.ProvisioningState = w.Next.State
	w.Next = nil
	return false
}

// view is the API answer: the document without bookkeeping.
func (w armWorkspace) view() armWorkspace {
	w.Sub, w.RG, w.Port, w.Next = "", "", 0, nil
	return w
}

// loadWorkspace reads and settles a workspace inside a write transaction,
// finishing a due delete (the workspace and its managed resource group go,
// and its host stops once the transaction commits).
func (s *Service) loadWorkspace(tx core.Tx, key string, onDeleted func(w armWorkspace)) (armWorkspace, bool, error) {
	var w armWorkspace
	found, err := tx.Get(BucketARMWorkspaces, key, &w)
	if err != nil || !found {
		return w, false, err
	}
	pending := w.Next != nil
	if w.settle(s.Now()) {
		if err := tx.Delete(BucketARMWorkspaces, key); err != nil {
			return w, false, err
		}
		if m := managedRGPattern.FindStringSubmatch(w.Properties.ManagedResourceGroupID); m != nil {
			if err := tx.Delete(bucketResourceGroups, rgKey(m[1], m[2])); err != nil {
				return w, false, err
			}
		}
		onDeleted(w)
		return w, false, nil
	}
	if pending && w.Next == nil {
		err = tx.Put(BucketARMWorkspaces, key, w)
	}
	return w, true, err
}

// updateARM runs fn in a write transaction and, once it has committed,
// stops the hosts of workspaces whose deletion fn finished (a rolled-back
// transaction leaves them for the next read to finish).
func (s *Service) updateARM(fn func(tx core.Tx, onDeleted func(armWorkspace)) error) error {
	var gone []armWorkspace
	err := s.Store().Update(func(tx core.Tx) error {
		gone = gone[:0]
		return fn(tx, func(w armWorkspace) { gone = append(gone, w) })
	})
	if err != nil {
		return err
	}
	for _, w := range gone {
		s.hosted.remove(w.Properties.WorkspaceID)
	}
	return nil
}

func workspaceNotFound(rg, name string) *ARMError {
	return armErr(http.StatusNotFound, "ResourceNotFound",
		"The Resource 'Microsoft.Databricks/workspaces/%s' under resource group '%s' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix", name, rg)
}

func (s *Service) getWorkspace(r *http.Request) (*armResponse, error) {
	sub, rg, name := r.PathValue("sub"), r.PathValue("rg"), r.PathValue("name")
	var w armWorkspace
	err := s.updateARM(func(tx core.Tx, onDeleted func(armWorkspace)) error {
		if _, err := loadResourceGroup(tx, sub, rg); err != nil {
			return err
		}
		var found bool
		var err error
		w, found, err = s.loadWorkspace(tx, workspaceKey(sub, rg, name), onDeleted)
		if err == nil && !found {
			err = workspaceNotFound(rg, name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &armResponse{status: http.StatusOK, body: w.view()}, nil
}

func (s *Service) listWorkspacesInGroup(r *http.Request) (*armResponse, error) {
	sub, rg := r.PathValue("sub"), r.PathValue("rg")
	return s.listWorkspaces(strings.ToLower(sub+"/"+rg+"/"), func(tx core.Tx) error {
		_, err := loadResourceGroup(tx, sub, rg)
		return err
	})
}

func (s *Service) listWorkspacesInSubscription(r *http.Request) (*armResponse, error) {
	return s.listWorkspaces(strings.ToLower(r.PathValue("sub")+"/"), func(core.Tx) error { return nil })
}

func (s *Service) listWorkspaces(prefix string, check func(core.Tx) error) (*armResponse, error) {
	all, err := s.ARMWorkspaces(prefix, check)
	if err != nil {
		return nil, err
	}
	out := make([]armWorkspace, len(all))
	for i, w := range all {
		out[i] = w.view()
	}
	return &armResponse{status: http.StatusOK, body: map[string]any{"value": out}}, nil
}

// ARMWorkspaces returns the workspaces whose key starts with prefix, due
// transitions applied (stored documents, bookkeeping included).
func (s *Service) ARMWorkspaces(prefix string, check func(core.Tx) error) ([]armWorkspace, error) {
	out := []armWorkspace{}
	err := s.updateARM(func(tx core.Tx, onDeleted func(armWorkspace)) error {
		if err := check(tx); err != nil {
			return err
		}
		all, err := core.GetAll[armWorkspace](tx, BucketARMWorkspaces, prefix)
		if err != nil {
			return err
		}
		for _, w := range all {
			w, found, err := s.loadWorkspace(tx, workspaceKey(w.Sub, w.RG, w.Name), onDeleted)
			if err != nil {
				return err
			}
			if found {
				out = append(out, w)
			}
		}
		return nil
	})
	return out, err
}

// putWorkspace is Workspaces.CreateOrUpdate: 201 (new) or 200 (update) with
// provisioningState Accepted/Updating and an Azure-AsyncOperation header;
// the operation and the workspace reach Succeeded after the async delay.
func (s *Service) putWorkspace(r *http.Request) (*armResponse, error) {
	sub, rg, name := r.PathValue("sub"), r.PathValue("rg"), r.PathValue("name")
	var in armWorkspace
	if err := decodeARMBody(r, &in); err != nil {
		return nil, err
	}
	if !workspaceNamePattern.MatchString(name) {
		return nil, armBadRequest("InvalidWorkspaceName", "The workspace name '%s' is invalid: it must be 3 to 64 characters of letters, digits, '-' and '_'.", name)
	}
	if err := validateWorkspace(sub, rg, &in); err != nil {
		return nil, err
	}
	key := workspaceKey(sub, rg, name)
	now := s.Now()
	var (
		out     armWorkspace
		status  int
		opID    string
		newWSID string
	)
	err := s.updateARM(func(tx core.Tx, onDeleted func(armWorkspace)) error {
		group, err := loadResourceGroup(tx, sub, rg)
		if err != nil {
			return err
		}
		existing, found, err := s.loadWorkspace(tx, key, onDeleted)
		if err != nil {
			return err
		}
		var prevSystemData *armSystemData
		if found {
			prevSystemData = existing.SystemData
			if existing.Next != nil {
				return armErr(http.StatusConflict, "AnotherOperationInProgress",
					"Another operation on workspace '%s' is in progress (provisioningState %s). Retry after it completes.", name, existing.Properties.ProvisioningState)
			}
			if err := checkWorkspaceUpdate(existing, in); err != nil {
				return err
			}
			out = existing
			out.SKU, out.Tags = in.SKU, in.Tags
			out.Properties.PublicNetworkAccess = in.Properties.PublicNetworkAccess
			out.Properties.RequiredNsgRules = in.Properties.RequiredNsgRules
			out.Properties.ProvisioningState = provisioningUpdating
			status = http.StatusOK
		} else {
			if err := checkManagedGroupFree(tx, in.Properties.ManagedResourceGroupID, workspaceResourceID(sub, group.Name, name)); err != nil {
				return err
			}
			out = in
			out.ID, out.Name, out.Type = workspaceResourceID(sub, group.Name, name), name, "Microsoft.Databricks/workspaces"
			out.Sub, out.RG = sub, group.Name
			out.Properties.ProvisioningState = provisioningAccepted
			out.Properties.CreatedDateTime = now.UTC().Format(time.RFC3339Nano)
			out.Properties.Authorizations = []armAuthorization{{
				// The Azure Databricks first-party app's owner role on the managed
				// resource group, as every workspace shows it.
				PrincipalID: "9a74af6f-d153-4348-988a-e2672920bee9", RoleDefinitionID: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
			}}
			// The new workspace is served from now on; if the transaction
			// fails, the host is stopped again below.
			newWSID = newWorkspaceNumber()
			port, err := s.hosted.add(newWSID, 0)
			if err != nil {
				newWSID = ""
				return err
			}
			out.Properties.WorkspaceID = newWSID
			out.Port = port
			out.Properties.WorkspaceURL = s.hosted.url(port)
			out.Properties.Parameters = withDefaultParameters(out.Properties.Parameters, newWSID)
			status = http.StatusCreated
			managed := managedRGPattern.FindStringSubmatch(in.Properties.ManagedResourceGroupID)
			if err := tx.Put(bucketResourceGroups, rgKey(managed[1], managed[2]),
				newResourceGroup(managed[1], managed[2], out.Location, out.ID, nil)); err != nil {
				return err
			}
		}
		out.SystemData = s.systemData(r, prevSystemData, now)
		op, err := s.startOperation(tx, sub, out.Location, key, now)
		if err != nil {
			return err
		}
		opID = op.Name
		out.Next = &armTransition{State: provisioningSucceeded, At: op.DoneAt, Operation: op.Name}
		return tx.Put(BucketARMWorkspaces, key, out)
	})
	if err != nil {
		if newWSID != "" {
			s.hosted.remove(newWSID)
		}
		return nil, err
	}
	return &armResponse{status: status, body: out.view(), header: map[string]string{
		"Azure-AsyncOperation": s.operationURL(r, sub, out.Location, opID, "operationStatuses"),
	}}, nil
}

// patchWorkspace is Workspaces.Update (tags only): 202 with
// Azure-AsyncOperation and Location; the workspace is Updating until the
// operation completes.
func (s *Service) patchWorkspace(r *http.Request) (*armResponse, error) {
	sub, rg, name := r.PathValue("sub"), r.PathValue("rg"), r.PathValue("name")
	var in struct {
		Tags map[string]string `json:"tags"`
	}
	if err := decodeARMBody(r, &in); err != nil {
		return nil, err
	}
	var out armWorkspace
	var opID string
	err := s.updateARM(func(tx core.Tx, onDeleted func(armWorkspace)) error {
		if _, err := loadResourceGroup(tx, sub, rg); err != nil {
			return err
		}
		key := workspaceKey(sub, rg, name)
		w, found, err := s.loadWorkspace(tx, key, onDeleted)
		if err != nil {
			return err
		}
		if !found {
			return workspaceNotFound(rg, name)
		}
		if w.Next != nil {
			return armErr(http.StatusConflict, "AnotherOperationInProgress",
				"Another operation on workspace '%s' is in progress (provisioningState %s). Retry after it completes.", name, w.Properties.ProvisioningState)
		}
		now := s.Now()
		w.Tags = in.Tags
		w.Properties.ProvisioningState = provisioningUpdating
		w.SystemData = s.systemData(r, w.SystemData, now)
		op, err := s.startOperation(tx, sub, w.Location, key, now)
		if err != nil {
			return err
		}
		opID = op.Name
		w.Next = &armTransition{State: provisioningSucceeded, At: op.DoneAt, Operation: op.Name}
		out = w
		return tx.Put(BucketARMWorkspaces, key, w)
	})
	if err != nil {
		return nil, err
	}
	return &armResponse{status: http.StatusAccepted, header: map[string]string{
		"Azure-AsyncOperation": s.operationURL(r, sub, out.Location, opID, "operationStatuses"),
		"Location":             s.operationURL(r, sub, out.Location, opID, "operationResults"),
	}}, nil
}

// deleteWorkspace is Workspaces.Delete: 202 with Azure-AsyncOperation and
// Location while the workspace is Deleting; 204 when there is nothing to
// delete.
func (s *Service) deleteWorkspace(r *http.Request) (*armResponse, error) {
	sub, rg, name := r.PathValue("sub"), r.PathValue("rg"), r.PathValue("name")
	var out armWorkspace
	var opID string
	missing := false
	err := s.updateARM(func(tx core.Tx, onDeleted func(armWorkspace)) error {
		if _, err := loadResourceGroup(tx, sub, rg); err != nil {
			return err
		}
		key := workspaceKey(sub, rg, name)
		w, found, err := s.loadWorkspace(tx, key, onDeleted)
		if err != nil {
			return err
		}
		if !found {
			missing = true
			return nil
		}
		if w.Next != nil && w.Next.Delete {
			opID, out = w.Next.Operation, w
			return nil
		}
		if w.Next != nil {
			return armErr(http.StatusConflict, "AnotherOperationInProgress",
				"Another operation on workspace '%s' is in progress (provisioningState %s). Retry after it completes.", name, w.Properties.ProvisioningState)
		}
		op, err := s.startOperation(tx, sub, w.Location, key, s.Now())
		if err != nil {
			return err
		}
		opID = op.Name
		w.Properties.ProvisioningState = provisioningDeleting
		w.Next = &armTransition{Delete: true, At: op.DoneAt, Operation: op.Name}
		out = w
		return tx.Put(BucketARMWorkspaces, key, w)
	})
	if err != nil {
		return nil, err
	}
	if missing {
		return &armResponse{status: http.StatusNoContent}, nil
	}
	return &armResponse{status: http.StatusAccepted, header: map[string]string{
		"Azure-AsyncOperation": s.operationURL(r, sub, out.Location, opID, "operationStatuses"),
		"Location":             s.operationURL(r, sub, out.Location, opID, "operationResults"),
	}}, nil
}

// ---- long-running operations ----

// armOperation is one long-running operation on a workspace.
type armOperation struct {
	Name      string `json:"name"`
	Sub       string `json:"sub"`
	Location  string `json:"location"`
	Workspace string `json:"workspace"`
	Start     int64  `json:"start"`
	DoneAt    int64  `json:"done_at"`
}

func (s *Service) startOperation(tx core.Tx, sub, location, workspace string, now time.Time) (armOperation, error) {
	op := armOperation{Name: newGUID(), Sub: sub, Location: location, Workspace: workspace,
		Start: now.UnixMilli(), DoneAt: now.Add(s.Options().AsyncDelay).UnixMilli()}
	return op, tx.Put(bucketARMOperations, op.Name, op)
}

func (s *Service) operationURL(r *http.Request, sub, location, op, kind string) string {
	return fmt.Sprintf("%s/subscriptions/%s/providers/Microsoft.Databricks/locations/%s/%s/%s?api-version=%s",
		core.RequestBase(r), sub, location, kind, op, r.URL.Query().Get("api-version"))
}

// loadOperation finds an operation and settles its workspace, so that the
// operation's outcome and the resource's state agree.
func (s *Service) loadOperation(r *http.Request) (armOperation, bool, error) {
	var op armOperation
	var done bool
	err := s.updateARM(func(tx core.Tx, onDeleted func(armWorkspace)) error {
		found, err := tx.Get(bucketARMOperations, r.PathValue("op"), &op)
		if err != nil {
			return err
		}
		if !found || !strings.EqualFold(op.Sub, r.PathValue("sub")) {
			return armErr(http.StatusNotFound, "OperationNotFound", "The operation '%s' could not be found.", r.PathValue("op"))
		}
		done = s.Now().UnixMilli() >= op.DoneAt
		if done {
			_, _, err = s.loadWorkspace(tx, op.Workspace, onDeleted)
		}
		return err
	})
	return op, done, err
}

// operationStatus answers an Azure-AsyncOperation URL: {"status": InProgress
// | Succeeded, …}, which azcore's async poller reads.
func (s *Service) operationStatus(r *http.Request) (*armResponse, error) {
	op, done, err := s.loadOperation(r)
	if err != nil {
		return nil, err
	}
	body := map[string]any{
		"id":        strings.TrimPrefix(strings.SplitN(s.operationURL(r, op.Sub, op.Location, op.Name, "operationStatuses"), "?", 2)[0], core.RequestBase(r)),
		"name":      op.Name,
		"status":    "InProgress",
		"startTime": time.UnixMilli(op.Start).UTC().Format(time.RFC3339Nano),
	}
	if done {
		body["status"] = provisioningSucceeded
		body["endTime"] = time.UnixMilli(op.DoneAt).UTC().Format(time.RFC3339Nano)
		return &armResponse{status: http.StatusOK, body: body}, nil
	}
	return &armResponse{status: http.StatusOK, body: body, header: retryAfter(op, s.Now())}, nil
}

// operationResult answers a Location URL: 202 while running, 204 once done.
func (s *Service) operationResult(r *http.Request) (*armResponse, error) {
	op, done, err := s.loadOperation(r)
	if err != nil {
		return nil, err
	}
	if !done {
		h := retryAfter(op, s.Now())
		h["Location"] = core.RequestBase(r) + r.URL.RequestURI()
		return &armResponse{status: http.StatusAccepted, header: h}, nil
	}
	return &armResponse{status: http.StatusNoContent}, nil
}

// retryAfter tells a poller when to look again, as ARM does on operations
// in progress: the whole seconds until op is due, at least one. azcore
// prefers it over the client's polling frequency. It is not sent on the
// initial 201/202, where azcore would wait before its first poll.
func retryAfter(op armOperation, now time.Time) map[string]string {
	secs := (op.DoneAt - now.UnixMilli() + 999) / 1000
	return map[string]string{"Retry-After": strconv.FormatInt(max(secs, 1), 10)}
}

// ---- validation ----

func decodeARMBody(r *http.Request, v any) error {
	err := core.DecodeBody(r, v)
	if ae, ok := err.(*core.APIError); ok {
		return armBadRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: '%s'.", ae.Message)
	}
	return err
}

func normalizeLocation(l string) string {
	return strings.ToLower(strings.ReplaceAll(l, " ", ""))
}

// validateWorkspace checks a CreateOrUpdate body the way ARM and the
// Databricks resource provider do, and normalizes it.
func validateWorkspace(sub, rg string, in *armWorkspace) error {
	if in.Location == "" {
		return armBadRequest("LocationRequired", "The location property is required for this definition.")
	}
	in.Location = normalizeLocation(in.Location)
	if !slices.Contains(databricksLocations, in.Location) {
		return armBadRequest("LocationNotAvailableForResourceType",
			"The provided location '%s' is not available for resource type 'Microsoft.Databricks/workspaces'. List of available regions for the resource type is '%s'.", in.Location, strings.Join(databricksLocations, ","))
	}
	if in.SKU == nil || in.SKU.Name == "" {
		return armBadRequest("InvalidSku", "The workspace sku is required: one of 'standard', 'premium', 'trial'.")
	}
	in.SKU.Name = strings.ToLower(in.SKU.Name)
	if !slices.Contains([]string{"standard", "premium", "trial"}, in.SKU.Name) {
		return armBadRequest("InvalidSku", "The sku '%s' is not valid for Microsoft.Databricks/workspaces: use 'standard', 'premium' or 'trial'.", in.SKU.Name)
	}
	p := &in.Properties
	m := managedRGPattern.FindStringSubmatch(p.ManagedResourceGroupID)
	switch {
	case p.ManagedResourceGroupID == "":
		return armBadRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Required property 'managedResourceGroupId' not found in JSON. Path 'properties'.'.")
	case m == nil:
		return armBadRequest("InvalidManagedResourceGroupId", "The managed resource group id '%s' is not a resource group id (/subscriptions/{subscriptionId}/resourceGroups/{name}).", p.ManagedResourceGroupID)
	case !strings.EqualFold(m[1], sub):
		return armBadRequest("InvalidManagedResourceGroupId", "The managed resource group must be in the workspace's subscription '%s'.", sub)
	case strings.EqualFold(m[2], rg):
		return armBadRequest("InvalidManagedResourceGroupId", "The managed resource group '%s' cannot be the resource group of the workspace itself.", m[2])
	}
	if p.PublicNetworkAccess == "" {
		p.PublicNetworkAccess = "Enabled"
	}
	if !slices.Contains([]string{"Enabled", "Disabled"}, p.PublicNetworkAccess) {
		return armBadRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Error converting value \"%s\" to type 'PublicNetworkAccess'. Path 'properties.publicNetworkAccess'.'.", p.PublicNetworkAccess)
	}
	if p.RequiredNsgRules == "" {
		p.RequiredNsgRules = "AllRules"
	}
	if !slices.Contains([]string{"AllRules", "NoAzureDatabricksRules", "NoAzureServiceRules"}, p.RequiredNsgRules) {
		return armBadRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Error converting value \"%s\" to type 'RequiredNsgRules'. Path 'properties.requiredNsgRules'.'.", p.RequiredNsgRules)
	}
	if err := validateParameters(p.Parameters); err != nil {
		return err
	}
	vnet := stringParam(p.Parameters, "customVirtualNetworkId")
	public, private := stringParam(p.Parameters, "customPublicSubnetName"), stringParam(p.Parameters, "customPrivateSubnetName")
	switch {
	case vnet != "" && !vnetIDPattern.MatchString(vnet):
		return armBadRequest("InvalidParameter", "customVirtualNetworkId '%s' is not a virtual network resource id.", vnet)
	case (vnet == "") != (public == "") || (vnet == "") != (private == ""):
		return armBadRequest("InvalidParameter", "VNet injection needs customVirtualNetworkId, customPublicSubnetName and customPrivateSubnetName together.")
	case public != "" && public == private:
		return armBadRequest("InvalidParameter", "customPublicSubnetName and customPrivateSubnetName must name different subnets.")
	case p.RequiredNsgRules != "AllRules" && vnet == "":
		return armBadRequest("InvalidParameter", "requiredNsgRules '%s' is only allowed for workspaces deployed in your own virtual network (customVirtualNetworkId).", p.RequiredNsgRules)
	case p.PublicNetworkAccess == "Disabled" && in.SKU.Name != "premium":
		return armBadRequest("InvalidParameter", "publicNetworkAccess 'Disabled' (Private Link) requires the 'premium' sku.")
	case p.PublicNetworkAccess == "Disabled" && p.RequiredNsgRules == "AllRules":
		return armBadRequest("InvalidParameter", "publicNetworkAccess 'Disabled' requires requiredNsgRules 'NoAzureDatabricksRules'.")
	}
	return nil
}

func validateParameters(params map[string]*armParam) error {
	for name, v := range params {
		typ, known := workspaceParameters[name]
		if !known {
			return armBadRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Could not find member '%s' on object of type 'WorkspaceCustomParameters'. Path 'properties.parameters.%s'.'.", name, name)
		}
		if v == nil {
			return armBadRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Required property 'value' not found in JSON. Path 'properties.parameters.%s'.'.", name)
		}
		ok := false
		switch typ {
		case "Bool":
			_, ok = v.Value.(bool)
		case "String":
			_, ok = v.Value.(string)
		}
		if !ok {
			return armBadRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: 'properties.parameters.%s.value must be a %s'.", name, strings.ToLower(typ))
		}
		v.Type = typ
	}
	return nil
}

func stringParam(params map[string]*armParam, name string) string {
	if p := params[name]; p != nil {
		s, _ := p.Value.(string)
		return s
	}
	return ""
}

// withDefaultParameters fills the parameters the resource provider sets on
// every new workspace.
func withDefaultParameters(params map[string]*armParam, wsID string) map[string]*armParam {
	out := map[string]*armParam{}
	for k, v := range params {
		out[k] = v
	}
	defaults := map[string]*armParam{
		"enableNoPublicIp":                {Type: "Bool", Value: false},
		"prepareEncryption":               {Type: "Bool", Value: false},
		"requireInfrastructureEncryption": {Type: "Bool", Value: false},
		"storageAccountName":              {Type: "String", Value: "dbstorage" + strings.ToLower(wsID[len(wsID)-10:])},
		"storageAccountSkuName":           {Type: "String", Value: "Standard_GRS"},
	}
	if out["customVirtualNetworkId"] == nil {
		defaults["vnetAddressPrefix"] = &armParam{Type: "String", Value: "10.139"}
	}
	for k, v := range defaults {
		if out[k] == nil {
			out[k] = v
		}
	}
	return out
}

// checkWorkspaceUpdate refuses changes the resource provider cannot apply
// in place: location, managed resource group, network parameters, and a
// downgrade to the trial sku.
func checkWorkspaceUpdate(old, in armWorkspace) error {
	switch {
	case old.Location != in.Location:
		return armBadRequest("InvalidResourceLocation",
			"The resource '%s' already exists in location '%s' in resource group '%s'. A resource with the same name cannot be created in location '%s'. Please select a new resource name.", old.Name, old.Location, old.RG, in.Location)
	case !strings.EqualFold(old.Properties.ManagedResourceGroupID, in.Properties.ManagedResourceGroupID):
		return armBadRequest("InvalidParameter", "The managed resource group of workspace '%s' cannot be changed from '%s'.", old.Name, old.Properties.ManagedResourceGroupID)
	case in.SKU.Name == "trial" && old.SKU != nil && old.SKU.Name != "trial":
		return armBadRequest("InvalidSkuUpdate", "Workspace '%s' cannot be downgraded from sku '%s' to 'trial'. Create a new workspace instead.", old.Name, old.SKU.Name)
	}
	for name := range workspaceParameters {
		given := in.Properties.Parameters[name]
		if given == nil {
			continue
		}
		if cur := old.Properties.Parameters[name]; cur == nil || fmt.Sprint(cur.Value) != fmt.Sprint(given.Value) {
			return armBadRequest("InvalidParameter", "The parameter '%s' of workspace '%s' cannot be changed after creation.", name, old.Name)
		}
	}
	return nil
}

// checkManagedGroupFree refuses a managed resource group that already exists
// and is not managed by this workspace.
func checkManagedGroupFree(tx core.Tx, managedID, workspaceID string) error {
	m := managedRGPattern.FindStringSubmatch(managedID)
	var g resourceGroup
	found, err := tx.Get(bucketResourceGroups, rgKey(m[1], m[2]), &g)
	if err != nil || !found {
		return err
	}
	if !strings.EqualFold(g.ManagedBy, workspaceID) {
		return armErr(http.StatusConflict, "ManagedResourceGroupExists",
			"The managed resource group '%s' already exists. Choose a resource group name that does not exist yet; Azure Databricks creates it.", m[2])
	}
	return nil
}

// systemData records who created and last modified a resource, from the
// caller's token (app id) or "emulator" for static tokens.
func (s *Service) systemData(r *http.Request, prev *armSystemData, now time.Time) *armSystemData {
	who, kind := s.Options().UserName, "User"
	if c := s.CredentialOf(r); c.Claims != nil {
		who, kind = c.Claims.AppID, "Application"
	}
	ts := now.UTC().Format(time.RFC3339Nano)
	sd := &armSystemData{CreatedBy: who, CreatedByType: kind, CreatedAt: ts}
	if prev != nil {
		sd.CreatedBy, sd.CreatedByType, sd.CreatedAt = prev.CreatedBy, prev.CreatedByType, prev.CreatedAt
	}
	sd.LastModifiedBy, sd.LastModifiedByType, sd.LastModifiedAt = who, kind, ts
	return sd
}

// newWorkspaceNumber is a 16-digit workspace id like Azure's.
func newWorkspaceNumber() string {
	n, err := rand.Int(rand.Reader, big.NewInt(8_999_999_999_999_999))
	if err != nil {
		panic(err)
	}
	return fmt.Sprint(n.Int64() + 1_000_000_000_000_000)
}

// armRoutes: resource groups and Microsoft.Databricks/workspaces. ARM
// matches segments case-insensitively; clients spell resource groups both
// ways (armdatabricks: resourceGroups, armresources: resourcegroups).
func (s *Service) armRoutes() {
	rgv, dbv := resourceGroupAPIVersions, databricksAPIVersions
	const ws = "Microsoft.Databricks/workspaces"
	for _, rgs := range []string{"resourceGroups", "resourcegroups"} {
		g := "/subscriptions/{sub}/" + rgs + "/{rg}"
		s.armRoute("PUT "+g, rgv, "resourceGroups", s.putResourceGroup)
		s.armRoute("GET "+g, rgv, "resourceGroups", s.getResourceGroup)
		s.armRoute("HEAD "+g, rgv, "resourceGroups", s.headResourceGroup)
		w := g + "/providers/Microsoft.Databricks/workspaces"
		s.armRoute("GET "+w, dbv, ws, s.listWorkspacesInGroup)
		s.armRoute("PUT "+w+"/{name}", dbv, ws, s.putWorkspace)
		s.armRoute("GET "+w+"/{name}", dbv, ws, s.getWorkspace)
		s.armRoute("PATCH "+w+"/{name}", dbv, ws, s.patchWorkspace)
		s.armRoute("DELETE "+w+"/{name}", dbv, ws, s.deleteWorkspace)
	}
	p := "/subscriptions/{sub}/providers/Microsoft.Databricks"
	s.armRoute("GET "+p+"/workspaces", dbv, ws, s.listWorkspacesInSubscription)
	s.armRoute("GET "+p+"/locations/{loc}/operationStatuses/{op}", dbv, ws, s.operationStatus)
	s.armRoute("GET "+p+"/locations/{loc}/operationResults/{op}", dbv, ws, s.operationResult)
	s.UnknownUnder("/subscriptions/", s.armUnknownRoute)
}

// checkARMAuth answers like Azure Resource Manager (401 in ARM's error
// shape, with ARM's error codes).
func (s *Service) checkARMAuth(r *http.Request) *ARMError {
	c := s.CredentialOf(r)
	switch {
	case !c.Present:
		return armErr(http.StatusUnauthorized, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
	case c.Ambiguous:
		return armErr(http.StatusUnauthorized, "AuthenticationFailed", core.ErrMultipleAuthorization)
	case c.Static:
		return nil
	case c.Claims == nil:
		return armErr(http.StatusUnauthorized, "InvalidAuthenticationToken", "The access token is invalid.")
	case c.Expired:
		return armErr(http.StatusUnauthorized, "ExpiredAuthenticationToken", "The access token has expired. Get a new access token and try again.")
	case core.ClassifyAudience(c.Claims.Audience, core.RequestBase(r)) != core.AudienceARM:
		return armErr(http.StatusUnauthorized, "InvalidAuthenticationTokenAudience",
			"The access token has been obtained for wrong audience or resource '%s'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.", c.Claims.Audience)
	}
	return nil
}
