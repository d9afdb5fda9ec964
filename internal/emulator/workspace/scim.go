package workspace

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/brickops/terraform-provider-brickops/internal/emulator/core"
)

// Workspace SCIM v2: /api/2.0/preview/scim/v2/{Users,Groups,ServicePrincipals}.
// Resources, list answers and patch requests follow databricks-sdk-go
// v0.118.0 service/iam/model.go (User, Group, ServicePrincipal,
// ListUsersResponse, PatchUserRequest, Patch) and RFC 7644. Errors are in
// SCIM's shape (RFC 7644 §3.12: schemas, detail, status, scimType), which
// the SDK's apierr turns into error code SCIM_<status>.
//
// Documents are stored as JSON objects keyed by id. Group membership is
// kept once, in each group's members; the groups attribute of a user,
// service principal or group is derived from it on every read, and writing
// it (create, PUT, PATCH) changes those groups' members.

// scimKind describes one SCIM resource type.
type scimKind struct {
	resource, label, bucket string
	schemas                 []string
	// unique is the attribute no two resources share (case-insensitively).
	unique string
	// attrs are the attributes a client may write.
	attrs []string
}

var (
	scimUsers = &scimKind{resource: "Users", label: "User", bucket: "scim_users", unique: "userName",
		schemas: []string{"urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:workspace:2.0:User"},
		attrs:   []string{"userName", "displayName", "active", "emails", "name", "externalId", "entitlements", "roles", "groups"}}
	scimGroups = &scimKind{resource: "Groups", label: "Group", bucket: "scim_groups", unique: "displayName",
		schemas: []string{"urn:ietf:params:scim:schemas:core:2.0:Group"},
		attrs:   []string{"displayName", "externalId", "entitlements", "roles", "groups", "members"}}
	scimSPs = &scimKind{resource: "ServicePrincipals", label: "Service principal", bucket: "scim_service_principals", unique: "applicationId",
		schemas: []string{"urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"},
		attrs:   []string{"applicationId", "displayName", "active", "externalId", "entitlements", "roles", "groups"}}
	scimKinds = []*scimKind{scimUsers, scimGroups, scimSPs}
)

const (
	scimListSchema  = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	scimErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"
	// The current user and the workspace's system groups, seeded on first use.
	currentUserID = "7000000000000001"
	adminsGroupID = "7000000000000100"
	usersGroupID  = "7000000000000101"
)

// scimEntitlements are the workspace entitlements (Databricks docs,
// "Manage entitlements").
var scimEntitlements = []string{"workspace-access", "databricks-sql-access", "allow-cluster-create", "allow-instance-pool-create", "workspace-consume"}

// scimError is an error answered in SCIM's shape.
type scimError struct {
	Schemas  []string `json:"schemas"`
	Detail   string   `json:"detail"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType,omitempty"`
	status   int
}

func (e *scimError) Error() string { return e.Status + " " + e.Detail }

// HTTPStatus makes a scimError answer in its own shape (core.ShapedError).
func (e *scimError) HTTPStatus() int { return e.status }

func scimErr(status int, scimType, format string, args ...any) *scimError {
	return &scimError{Schemas: []string{scimErrorSchema}, Detail: fmt.Sprintf(format, args...), Status: strconv.Itoa(status), ScimType: scimType, status: status}
}

// scimHandler answers h's errors in SCIM's shape: decoding errors become
// invalidSyntax, other 400s invalidValue, 409s uniqueness.
func scimHandler(h core.APIHandler) core.APIHandler {
	return func(r *http.Request) (any, error) {
		body, err := h(r)
		var apiError *core.APIError
		if errors.As(err, &apiError) {
			typ := ""
			switch {
			case apiError.Code == core.CodeMalformedRequest:
				typ = "invalidSyntax"
			case apiError.Status == http.StatusBadRequest:
				typ = "invalidValue"
			case apiError.Status == http.StatusConflict:
				typ = "uniqueness"
			}
			return nil, scimErr(apiError.Status, typ, "%s", apiError.Message)
		}
		return body, err
	}
}

type scimDoc = map[string]any

// seedIdentity stores the current user and the admins and users groups
// the first time SCIM is used.
func (s *Service) seedIdentity(tx core.Tx) error {
	var probe scimDoc
	found, err := tx.Get(scimUsers.bucket, currentUserID, &probe)
	if err != nil || found {
		return err
	}
	name := s.Options().UserName
	display, _, _ := strings.Cut(name, "@")
	user := scimDoc{
		"id": currentUserID, "schemas": scimUsers.schemas, "userName": name, "displayName": display, "active": true,
		"emails":       []any{scimDoc{"value": name, "type": "work", "primary": true}},
		"entitlements": []any{scimDoc{"value": "workspace-access"}, scimDoc{"value": "databricks-sql-access"}, scimDoc{"value": "allow-cluster-create"}},
	}
	if err := tx.Put(scimUsers.bucket, currentUserID, user); err != nil {
		return err
	}
	member := []any{scimDoc{"value": currentUserID, "display": display, "$ref": "Users/" + currentUserID}}
	for id, name := range map[string]string{adminsGroupID: "admins", usersGroupID: "users"} {
		g := scimDoc{"id": id, "schemas": scimGroups.schemas, "displayName": name, "members": member, "meta": scimDoc{"resourceType": "Group"}}
		if err := tx.Put(scimGroups.bucket, id, g); err != nil {
			return err
		}
	}
	return nil
}

// ensureIdentity seeds the identity store unless it is seeded already, so
// reads (Me above all, which clients ask often) write nothing once seeded.
func (s *Service) ensureIdentity() error {
	var seeded bool
	err := s.Store().View(func(tx core.Tx) error {
		var probe scimDoc
		var err error
		seeded, err = tx.Get(scimUsers.bucket, currentUserID, &probe)
		return err
	})
	if err != nil || seeded {
		return err
	}
	return s.Store().Update(s.seedIdentity)
}

// currentUser is SCIM Me: the current user as Users answers it.
func (s *Service) currentUser(*http.Request) (any, error) {
	return s.scimRead(scimUsers, currentUserID, nil)
}

// scimRoutes registers the three families.
func (s *Service) scimRoutes() {
	p := "/api/2.0/preview/scim/v2/"
	for _, k := range scimKinds {
		s.WorkspaceRoute("GET "+p+k.resource, scimHandler(func(r *http.Request) (any, error) { return s.scimList(k, r) }))
		s.WorkspaceRoute("POST "+p+k.resource, scimHandler(func(r *http.Request) (any, error) { return s.scimCreate(k, r) }))
		s.WorkspaceRoute("GET "+p+k.resource+"/{id}", scimHandler(func(r *http.Request) (any, error) {
			return s.scimRead(k, r.PathValue("id"), r)
		}))
		s.WorkspaceRoute("PUT "+p+k.resource+"/{id}", scimHandler(func(r *http.Request) (any, error) { return s.scimPut(k, r) }))
		s.WorkspaceRoute("PATCH "+p+k.resource+"/{id}", scimHandler(func(r *http.Request) (any, error) { return s.scimPatch(k, r) }))
		s.WorkspaceRoute("DELETE "+p+k.resource+"/{id}", scimHandler(func(r *http.Request) (any, error) { return s.scimDelete(k, r) }))
	}
}

// load reads one resource with its derived groups.
func (k *scimKind) load(tx core.Tx, id string) (scimDoc, error) {
	var d scimDoc
	found, err := tx.Get(k.bucket, id, &d)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, scimErr(http.StatusNotFound, "", "%s %s not found.", k.label, id)
	}
	groups, err := groupsOf(tx, id)
	if err != nil {
		return nil, err
	}
	if len(groups) > 0 {
		d["groups"] = groups
	}
	return d, nil
}

// groupsOf derives the groups attribute of the member id.
func groupsOf(tx core.Tx, id string) ([]any, error) {
	all, err := core.GetAll[scimDoc](tx, scimGroups.bucket, "")
	if err != nil {
		return nil, err
	}
	var out []any
	for _, g := range all {
		if slices.Contains(valuesOf(g["members"]), id) {
			gid := fmt.Sprint(g["id"])
			out = append(out, scimDoc{"value": gid, "display": g["displayName"], "type": "direct", "$ref": "Groups/" + gid})
		}
	}
	return out, nil
}

// valuesOf lists the value of each element of a multi-valued attribute.
func valuesOf(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, valueOf(m))
		}
	}
	return out
}

// valueOf is the value of one element of a multi-valued attribute.
func valueOf(e any) string {
	m, ok := e.(map[string]any)
	if !ok || m["value"] == nil {
		return ""
	}
	return fmt.Sprint(m["value"])
}

func (s *Service) scimRead(k *scimKind, id string, r *http.Request) (any, error) {
	var d scimDoc
	if err := s.ensureIdentity(); err != nil {
		return nil, err
	}
	err := s.Store().View(func(tx core.Tx) error {
		var err error
		d, err = k.load(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if r != nil {
		return project(d, r), nil
	}
	return d, nil
}

// project keeps the attributes the query's attributes names, or drops
// those excludedAttributes names. id and a service principal's
// applicationId are returned always (RFC 7643 §7 "returned": the official
// provider reads service principals with attributes that leave out
// applicationId and relies on getting it).
func project(d scimDoc, r *http.Request) scimDoc {
	q := r.URL.Query()
	split := func(s string) []string {
		var out []string
		for _, a := range strings.Split(s, ",") {
			if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
				out = append(out, a)
			}
		}
		return out
	}
	keep, drop := split(q.Get("attributes")), split(q.Get("excludedAttributes"))
	if len(keep) == 0 && len(drop) == 0 {
		return d
	}
	out := scimDoc{}
	for key, v := range d {
		l := strings.ToLower(key)
		if always := l == "id" || l == "applicationid"; always || (len(keep) == 0 || slices.Contains(keep, l)) && !slices.Contains(drop, l) {
			out[key] = v
		}
	}
	return out
}

// scimFilter is `attribute op "value"` with op eq, ne, co or sw (RFC 7644
// §3.4.2.2); the comparison is case-insensitive, as the service's is.
var scimFilter = regexp.MustCompile(`^\s*([A-Za-z][\w.]*)\s+(eq|ne|co|sw)\s+"([^"]*)"\s*$`)

func matchFilter(filter string) (func(scimDoc) bool, error) {
	if strings.TrimSpace(filter) == "" {
		return func(scimDoc) bool { return true }, nil
	}
	m := scimFilter.FindStringSubmatch(filter)
	if m == nil {
		return nil, scimErr(http.StatusBadRequest, "invalidFilter", "Invalid filter '%s': expected <attribute> eq|ne|co|sw \"<value>\".", filter)
	}
	attr, op, want := strings.ToLower(m[1]), m[2], strings.ToLower(m[3])
	return func(d scimDoc) bool {
		var got string
		for key, v := range d {
			if strings.ToLower(key) == attr {
				got = strings.ToLower(fmt.Sprint(v))
			}
		}
		switch op {
		case "eq":
			return got == want
		case "ne":
			return got != want
		case "co":
			return strings.Contains(got, want)
		default:
			return strings.HasPrefix(got, want)
		}
	}, nil
}

func (s *Service) scimList(k *scimKind, r *http.Request) (any, error) {
	q := r.URL.Query()
	match, err := matchFilter(q.Get("filter"))
	if err != nil {
		return nil, err
	}
	start, err := core.QueryInt(r, "startIndex", 1)
	if err != nil {
		return nil, err
	}
	count, err := core.QueryInt(r, "count", 10000)
	if err != nil {
		return nil, err
	}
	if start < 1 {
		start = 1
	}
	if count < 0 {
		return nil, core.InvalidParam("count must be non-negative, got %d", count)
	}
	var all []scimDoc
	if err := s.ensureIdentity(); err != nil {
		return nil, err
	}
	err = s.Store().View(func(tx core.Tx) error {
		ids, err := core.GetAll[scimDoc](tx, k.bucket, "")
		if err != nil {
			return err
		}
		for _, d := range ids {
			full, err := k.load(tx, fmt.Sprint(d["id"]))
			if err != nil {
				return err
			}
			if match(full) {
				all = append(all, full)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if by := q.Get("sortBy"); by != "" {
		slices.SortStableFunc(all, func(a, b scimDoc) int {
			c := strings.Compare(strings.ToLower(fmt.Sprint(a[by])), strings.ToLower(fmt.Sprint(b[by])))
			if q.Get("sortOrder") == "descending" {
				return -c
			}
			return c
		})
	}
	page := []scimDoc{}
	if start-1 < len(all) {
		page = all[start-1 : min(start-1+count, len(all))]
	}
	for i, d := range page {
		page[i] = project(d, r)
	}
	return map[string]any{
		"schemas": []string{scimListSchema}, "totalResults": len(all), "startIndex": start,
		"itemsPerPage": len(page), "Resources": page,
	}, nil
}

// decodeResource reads a resource body and keeps the attributes k knows.
func (k *scimKind) decodeResource(r *http.Request) (scimDoc, error) {
	var in scimDoc
	if err := core.DecodeBody(r, &in); err != nil {
		return nil, err
	}
	out := scimDoc{}
	for key, v := range in {
		for _, a := range k.attrs {
			if strings.EqualFold(key, a) {
				out[a] = v
			}
		}
	}
	return out, nil
}

// validate checks d and fills defaults before it is stored as id.
func (k *scimKind) validate(tx core.Tx, id string, d scimDoc) error {
	if k == scimSPs {
		if d["applicationId"] == nil || d["applicationId"] == "" {
			d["applicationId"] = newUUID()
		}
		if !uuidPattern.MatchString(fmt.Sprint(d["applicationId"])) {
			return scimErr(http.StatusBadRequest, "invalidValue", "Invalid applicationId '%v': expected the Microsoft Entra ID application (client) id, a UUID.", d["applicationId"])
		}
		if d["displayName"] == nil {
			d["displayName"] = d["applicationId"]
		}
	}
	unique, _ := d[k.unique].(string)
	if unique == "" {
		return scimErr(http.StatusBadRequest, "invalidValue", "Missing required field: %s", k.unique)
	}
	if k == scimUsers {
		if d["displayName"] == nil {
			d["displayName"] = unique
		}
		if d["emails"] == nil {
			d["emails"] = []any{scimDoc{"value": unique, "type": "work", "primary": true}}
		}
	}
	if k != scimGroups && d["active"] == nil {
		d["active"] = true
	}
	for _, e := range valuesOf(d["entitlements"]) {
		if !slices.Contains(scimEntitlements, e) {
			return scimErr(http.StatusBadRequest, "invalidValue", "Invalid entitlement '%s': expected one of %s.", e, strings.Join(scimEntitlements, ", "))
		}
	}
	others, err := core.GetAll[scimDoc](tx, k.bucket, "")
	if err != nil {
		return err
	}
	for _, o := range others {
		if o["id"] != id && strings.EqualFold(fmt.Sprint(o[k.unique]), unique) {
			return scimErr(http.StatusConflict, "uniqueness", "%s with %s %s already exists.", k.label, k.unique, unique)
		}
	}
	if k == scimGroups {
		members, err := normaliseMembers(tx, id, d["members"])
		if err != nil {
			return err
		}
		d["members"] = members
	}
	return nil
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// normaliseMembers checks that every member of group id exists and
// answers each as {value, display, $ref}.
func normaliseMembers(tx core.Tx, id string, v any) ([]any, error) {
	out := []any{}
	for _, m := range valuesOf(v) {
		if m == id {
			return nil, scimErr(http.StatusBadRequest, "invalidValue", "A group cannot be a member of itself.")
		}
		found := false
		for _, k := range scimKinds {
			var d scimDoc
			ok, err := tx.Get(k.bucket, m, &d)
			if err != nil {
				return nil, err
			}
			if ok {
				display := d["displayName"]
				out = append(out, scimDoc{"value": m, "display": display, "$ref": k.resource + "/" + m})
				found = true
				break
			}
		}
		if !found {
			return nil, scimErr(http.StatusNotFound, "", "Member %s not found.", m)
		}
	}
	return out, nil
}

// store writes d as id and sets its memberships to the groups attribute
// when it carries one.
func (k *scimKind) store(tx core.Tx, id string, d scimDoc) error {
	if groups, ok := d["groups"]; ok {
		want := valuesOf(groups)
		all, err := core.GetAll[scimDoc](tx, scimGroups.bucket, "")
		if err != nil {
			return err
		}
		for _, w := range want {
			if !slices.ContainsFunc(all, func(g scimDoc) bool { return g["id"] == w }) {
				return scimErr(http.StatusNotFound, "", "Group %s not found.", w)
			}
		}
		for _, g := range all {
			gid := fmt.Sprint(g["id"])
			has := slices.Contains(valuesOf(g["members"]), id)
			if has == slices.Contains(want, gid) {
				continue
			}
			members, _ := g["members"].([]any)
			if has {
				members = slices.DeleteFunc(members, func(m any) bool { return valueOf(m) == id })
			} else {
				members = append(members, scimDoc{"value": id, "display": d["displayName"], "$ref": k.resource + "/" + id})
			}
			g["members"] = members
			if err := tx.Put(scimGroups.bucket, gid, g); err != nil {
				return err
			}
		}
		delete(d, "groups")
	}
	d["id"], d["schemas"] = id, k.schemas
	if k == scimGroups {
		d["meta"] = scimDoc{"resourceType": "Group"}
	}
	return tx.Put(k.bucket, id, d)
}

func (s *Service) scimCreate(k *scimKind, r *http.Request) (any, error) {
	return s.scimWrite(k, r, strconv.FormatInt(1e15+rand.Int64N(9e15), 10), false)
}

// scimPut replaces a resource; memberships change only when the body
// carries groups.
func (s *Service) scimPut(k *scimKind, r *http.Request) (any, error) {
	return s.scimWrite(k, r, r.PathValue("id"), true)
}

// scimWrite stores the body as resource id, which exists already for a
// replacement, and answers the stored resource.
func (s *Service) scimWrite(k *scimKind, r *http.Request, id string, replace bool) (any, error) {
	d, err := k.decodeResource(r)
	if err != nil {
		return nil, err
	}
	var out scimDoc
	err = s.Store().Update(func(tx core.Tx) error {
		if err := s.seedIdentity(tx); err != nil {
			return err
		}
		if replace {
			if _, err := k.load(tx, id); err != nil {
				return err
			}
		}
		if err := k.validate(tx, id, d); err != nil {
			return err
		}
		if err := k.store(tx, id, d); err != nil {
			return err
		}
		out, err = k.load(tx, id)
		return err
	})
	return out, err
}

// scimPatchPath is `attribute` or `attribute[value eq "x"]`.
var scimPatchPath = regexp.MustCompile(`^([A-Za-z][\w]*)(?:\[\s*value\s+eq\s+"([^"]*)"\s*\])?$`)

func (s *Service) scimPatch(k *scimKind, r *http.Request) (any, error) {
	var req struct {
		Operations []struct {
			Op    string `json:"op"`
			Path  string `json:"path"`
			Value any    `json:"value"`
		} `json:"Operations"`
	}
	if err := core.DecodeBody(r, &req); err != nil {
		return nil, err
	}
	if len(req.Operations) == 0 {
		return nil, scimErr(http.StatusBadRequest, "invalidValue", "Missing required field: Operations")
	}
	for _, op := range req.Operations {
		if o := strings.ToLower(op.Op); o != "add" && o != "remove" && o != "replace" {
			return nil, scimErr(http.StatusBadRequest, "invalidValue", "Invalid op '%s': expected add, remove or replace.", op.Op)
		}
	}
	id := r.PathValue("id")
	err := s.Store().Update(func(tx core.Tx) error {
		if err := s.seedIdentity(tx); err != nil {
			return err
		}
		d, err := k.load(tx, id)
		if err != nil {
			return err
		}
		if d["groups"] == nil {
			d["groups"] = []any{}
		}
		for _, op := range req.Operations {
			if err := k.applyOp(d, strings.ToLower(op.Op), op.Path, op.Value); err != nil {
				return err
			}
		}
		delete(d, "id")
		delete(d, "schemas")
		delete(d, "meta")
		if err := k.validate(tx, id, d); err != nil {
			return err
		}
		return k.store(tx, id, d)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}

// applyOp applies one PatchOperation (RFC 7644 §3.5.2) to d.
func (k *scimKind) applyOp(d scimDoc, op, path string, value any) error {
	if path == "" {
		attrs, ok := value.(map[string]any)
		if !ok || op == "remove" {
			return scimErr(http.StatusBadRequest, "noTarget", "Missing required field: path")
		}
		for a, v := range attrs {
			if err := k.applyOp(d, op, a, v); err != nil {
				return err
			}
		}
		return nil
	}
	m := scimPatchPath.FindStringSubmatch(path)
	attr := ""
	if m != nil {
		for _, a := range k.attrs {
			if strings.EqualFold(a, m[1]) {
				attr = a
			}
		}
	}
	if attr == "" {
		return scimErr(http.StatusBadRequest, "invalidPath", "Invalid path '%s' for %s.", path, k.resource)
	}
	list, isList := d[attr].([]any)
	multi := slices.Contains([]string{"emails", "entitlements", "roles", "groups", "members"}, attr)
	switch {
	case op == "remove" && m[2] != "":
		d[attr] = slices.DeleteFunc(list, func(e any) bool { return valueOf(e) == m[2] })
	case op == "remove" && multi && value != nil:
		drop := valuesOf(value)
		d[attr] = slices.DeleteFunc(list, func(e any) bool { return slices.Contains(drop, valueOf(e)) })
	case op == "remove":
		if attr == k.unique {
			return scimErr(http.StatusBadRequest, "mutability", "Attribute %s cannot be removed.", attr)
		}
		delete(d, attr)
	case op == "add" && multi:
		items, ok := value.([]any)
		if !ok {
			return scimErr(http.StatusBadRequest, "invalidValue", "Invalid value for %s: expected a list.", attr)
		}
		if !isList {
			list = []any{}
		}
		have := valuesOf(list)
		for _, it := range items {
			if v := valueOf(it); v != "" && !slices.Contains(have, v) {
				list, have = append(list, it), append(have, v)
			}
		}
		d[attr] = list
	default:
		if multi {
			if _, ok := value.([]any); !ok {
				return scimErr(http.StatusBadRequest, "invalidValue", "Invalid value for %s: expected a list.", attr)
			}
		}
		d[attr] = value
	}
	return nil
}

func (s *Service) scimDelete(k *scimKind, r *http.Request) (any, error) {
	id := r.PathValue("id")
	err := s.Store().Update(func(tx core.Tx) error {
		if err := s.seedIdentity(tx); err != nil {
			return err
		}
		d, err := k.load(tx, id)
		if err != nil {
			return err
		}
		// Leaving every group first keeps no member pointing at nothing.
		d["groups"] = []any{}
		if err := k.store(tx, id, d); err != nil {
			return err
		}
		return tx.Delete(k.bucket, id)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{}, nil
}
