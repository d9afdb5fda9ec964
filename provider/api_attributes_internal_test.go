package provider

import (
	"context"
	"testing"

	"github.com/databricks/databricks-sdk-go/service/catalog"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// setFromAPI fills attributes from an SDK object's JSON: numbers exact,
// fields the API leaves out as zero values (never null), nested objects as
// lists of one, renamed fields read from their REST key, merged parts with
// later keys winning.
func TestSetFromAPI_readsTheRESTObject(t *testing.T) {
	ctx := context.Background()
	fields := []apiField{
		apiStr("id", ""),
		apiOne("info", "",
			apiStr("name", ""), apiStr("comment", ""), apiNum("created_at", ""), apiFlag("browse_only", ""),
			apiStrMap("properties", ""), apiStrs("tags", ""),
			apiList("items", "", apiStr("key", "")).renamed("item"),
			apiOne("missing", "", apiStr("x", "")),
		),
	}
	attrs := apiAttributes(map[string]schema.Attribute{}, fields...)
	s := schema.Schema{Attributes: attrs}
	state := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
	info := map[string]any{
		"name": "dev", "created_at": int64(1764460800123), "properties": map[string]string{"a": "b"},
		"tags": []string{"x", "y"}, "items": []map[string]string{{"key": "k1"}, {"key": "k2"}},
	}
	diags := setFromAPI(ctx, &state, merged{map[string]any{"id": "old", "info": info}, map[string]any{"id": "dev"}}, fields...)
	if diags.HasError() {
		t.Fatal(diags)
	}
	var got struct {
		ID   types.String `tfsdk:"id"`
		Info []struct {
			Name       types.String `tfsdk:"name"`
			Comment    types.String `tfsdk:"comment"`
			CreatedAt  types.Int64  `tfsdk:"created_at"`
			BrowseOnly types.Bool   `tfsdk:"browse_only"`
			Properties types.Map    `tfsdk:"properties"`
			Tags       []string     `tfsdk:"tags"`
			Item       []struct {
				Key string `tfsdk:"key"`
			} `tfsdk:"item"`
			Missing types.List `tfsdk:"missing"`
		} `tfsdk:"info"`
	}
	if diags := state.Get(ctx, &got); diags.HasError() {
		t.Fatal(diags)
	}
	if got.ID.ValueString() != "dev" || len(got.Info) != 1 {
		t.Fatalf("id %q, %d info objects", got.ID.ValueString(), len(got.Info))
	}
	in := got.Info[0]
	switch {
	case in.Name.ValueString() != "dev", in.CreatedAt.ValueInt64() != 1764460800123:
		t.Errorf("name %s, created_at %s", in.Name, in.CreatedAt)
	case in.Comment.IsNull() || in.Comment.ValueString() != "", in.BrowseOnly.IsNull() || in.BrowseOnly.ValueBool():
		t.Errorf("left-out fields: comment %s, browse_only %s; want \"\" and false", in.Comment, in.BrowseOnly)
	case len(in.Properties.Elements()) != 1, len(in.Tags) != 2 || in.Tags[1] != "y":
		t.Errorf("properties %s, tags %v", in.Properties, in.Tags)
	case len(in.Item) != 2 || in.Item[1].Key != "k2":
		t.Errorf("item (REST items) = %+v", in.Item)
	case in.Missing.IsNull() || len(in.Missing.Elements()) != 0:
		t.Errorf("left-out object = %s, want an empty list", in.Missing)
	}
}

// An SDK struct marshals through its own MarshalJSON (omitempty drops its
// zero fields); what it leaves out still reads as zero.
func TestSetFromAPI_sdkStruct(t *testing.T) {
	ctx := context.Background()
	fields := []apiField{apiOne("catalog_info", "", ucSecurableFields()...)}
	s := schema.Schema{Attributes: apiAttributes(map[string]schema.Attribute{}, fields...)}
	state := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
	diags := setFromAPI(ctx, &state, map[string]any{"catalog_info": &catalog.CatalogInfo{Name: "prod", Owner: "ml", CreatedAt: 42}}, fields...)
	if diags.HasError() {
		t.Fatal(diags)
	}
	var info types.List
	if diags := state.GetAttribute(ctx, path.Root("catalog_info"), &info); diags.HasError() {
		t.Fatal(diags)
	}
	if len(info.Elements()) != 1 {
		t.Fatalf("catalog_info = %s", info)
	}
	attrs := info.Elements()[0].(types.Object).Attributes()
	for name, want := range map[string]string{"name": `"prod"`, "owner": `"ml"`, "comment": `""`, "created_at": "42", "updated_at": "0", "browse_only": "false"} {
		if got := attrs[name].String(); got != want {
			t.Errorf("catalog_info[0].%s = %s, want %s", name, got, want)
		}
	}
}
