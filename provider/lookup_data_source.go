package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/databricks/databricks-sdk-go"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// lookupDataSource finds one API object by the keys the official
// provider's data source takes (a name, an id) and exposes it as
// apiFields. brickops_catalog, brickops_schema, brickops_serving_endpoint,
// brickops_job and brickops_cluster are one each.
type lookupDataSource struct {
	data *providerData
	lookupSpec
}

type lookupSpec struct {
	typeName    string // "catalog"
	description string
	// keys are the arguments the object is looked up by, all strings; the
	// computed id is among them.
	keys       map[string]schema.StringAttribute
	validators []datasource.ConfigValidator
	fields     []apiField
	// find returns the object for the configured keys (unset ones are ""),
	// as a value that marshals to a JSON object holding every key and field
	// by name.
	find func(ctx context.Context, w *databricks.WorkspaceClient, keys map[string]string) (any, error)
}

var (
	_ datasource.DataSourceWithConfigure        = (*lookupDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*lookupDataSource)(nil)
)

func (d *lookupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.typeName
}

func (d *lookupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{}
	for name, a := range d.keys {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{MarkdownDescription: d.description, Attributes: apiAttributes(attrs, d.fields...)}
}

func (d *lookupDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return d.validators
}

func (d *lookupDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *lookupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	keys := map[string]string{}
	for name := range d.keys {
		var v types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), &v)...)
		keys[name] = v.ValueString()
	}
	w, diags := d.data.workspace()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	obj, err := d.find(ctx, w, keys)
	if err != nil {
		lookupFailed(&resp.Diagnostics, strings.ReplaceAll(d.typeName, "_", " "), err)
		return
	}
	fields := slices.Clone(d.fields)
	for name := range d.keys {
		fields = append(fields, apiStr(name, ""))
	}
	resp.Diagnostics.Append(setFromAPI(ctx, &resp.State, obj, fields...)...)
}

// lookupFailed reports a data source's failed lookup: "<Kind> not found"
// when nothing has the key, else "Reading <kind> failed".
func lookupFailed(diags *diag.Diagnostics, kind string, err error) {
	summary := "Reading " + kind + " failed"
	var notFound *lookupNotFoundError
	if errors.As(err, &notFound) {
		summary = notFound.summary()
	}
	diags.AddError(summary, err.Error())
}

// lookupKey is a key argument: optional and computed when the object may
// be looked up by another key too, required when it is the only one.
func lookupKey(desc string, required bool) schema.StringAttribute {
	return schema.StringAttribute{Required: required, Optional: !required, Computed: !required, MarkdownDescription: desc}
}

// lookupNotFoundError says that no object has the key a data source was
// given, in words the user can act on. kind is as it reads mid-sentence
// ("catalog", "SQL warehouse").
type lookupNotFoundError struct {
	kind, detail string
	err          error
}

func (e *lookupNotFoundError) Error() string { return e.detail }
func (e *lookupNotFoundError) Unwrap() error { return e.err }

// summary is "Catalog not found", "SQL warehouse not found".
func (e *lookupNotFoundError) summary() string {
	return strings.ToUpper(e.kind[:1]) + e.kind[1:] + " not found"
}

// notFoundAs turns a not-found error into a lookupNotFoundError for
// "No <kind> <what>." and passes other errors on with context.
func notFoundAs(err error, kind, what string) error {
	if isGone(err) {
		return &lookupNotFoundError{kind: kind, detail: fmt.Sprintf("No %s %s.", kind, what), err: err}
	}
	return fmt.Errorf("reading the %s that %s: %w", kind, what, err)
}

// onlyMatch is the one object named name among matches, or an error
// saying there is none or several (listing their ids), since a data source
// must not pick one at random.
func onlyMatch[T any](matches []T, id func(T) string, kind, name string) (T, error) {
	var zero T
	switch len(matches) {
	case 0:
		return zero, &lookupNotFoundError{kind: kind, detail: fmt.Sprintf("No %s is named %q.", kind, name)}
	case 1:
		return matches[0], nil
	}
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = id(m)
	}
	slices.Sort(ids)
	return zero, fmt.Errorf("%d %ss are named %q (ids %s): look it up by id instead", len(matches), kind, name, strings.Join(ids, ", "))
}
