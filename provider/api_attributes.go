package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Read-only data source attributes that mirror an API object field by
// field: each is named as its REST field, and filled from the SDK object's
// JSON, so the data source reads like the API docs and like the official
// provider's data sources (whose `*_info` blocks are the API object as a
// list of one). Nested objects are lists of one, as there, so
// `catalog_info[0].owner` is the same expression in both providers.

type apiKind int

const (
	apiString apiKind = iota
	apiInt
	apiBool
	apiStringMap
	apiStringList
	apiObject  // a nested object: a list of one
	apiObjects // a list of objects
)

// apiField is one attribute taken from an API object.
type apiField struct {
	name   string
	key    string // the REST field, when the attribute is named otherwise
	kind   apiKind
	desc   string
	fields []apiField // of apiObject and apiObjects
}

func apiStr(name, desc string) apiField  { return apiField{name: name, kind: apiString, desc: desc} }
func apiNum(name, desc string) apiField  { return apiField{name: name, kind: apiInt, desc: desc} }
func apiFlag(name, desc string) apiField { return apiField{name: name, kind: apiBool, desc: desc} }
func apiStrMap(name, desc string) apiField {
	return apiField{name: name, kind: apiStringMap, desc: desc}
}
func apiStrs(name, desc string) apiField {
	return apiField{name: name, kind: apiStringList, desc: desc}
}
func apiOne(name, desc string, fields ...apiField) apiField {
	return apiField{name: name, kind: apiObject, desc: desc, fields: fields}
}
func apiList(name, desc string, fields ...apiField) apiField {
	return apiField{name: name, kind: apiObjects, desc: desc, fields: fields}
}

// renamed is f under the attribute name the official provider gives it
// (`task` for the REST `tasks`).
func (f apiField) renamed(name string) apiField {
	f.key, f.name = f.name, name
	return f
}

// restKey is the JSON field f is read from.
func (f apiField) restKey() string {
	if f.key != "" {
		return f.key
	}
	return f.name
}

// apiAttributes adds fields to a data source's attributes, all computed.
func apiAttributes(into map[string]schema.Attribute, fields ...apiField) map[string]schema.Attribute {
	for _, f := range fields {
		into[f.name] = f.attribute()
	}
	return into
}

func (f apiField) attribute() schema.Attribute {
	switch f.kind {
	case apiInt:
		return schema.Int64Attribute{Computed: true, MarkdownDescription: f.desc}
	case apiBool:
		return schema.BoolAttribute{Computed: true, MarkdownDescription: f.desc}
	case apiStringMap:
		return schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: f.desc}
	case apiStringList:
		return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: f.desc}
	case apiObject, apiObjects:
		nested := map[string]schema.Attribute{}
		return schema.ListNestedAttribute{
			Computed: true, MarkdownDescription: f.desc,
			NestedObject: schema.NestedAttributeObject{Attributes: apiAttributes(nested, f.fields...)},
		}
	}
	return schema.StringAttribute{Computed: true, MarkdownDescription: f.desc}
}

func (f apiField) attrType() attr.Type {
	switch f.kind {
	case apiInt:
		return types.Int64Type
	case apiBool:
		return types.BoolType
	case apiStringMap:
		return types.MapType{ElemType: types.StringType}
	case apiStringList:
		return types.ListType{ElemType: types.StringType}
	case apiObject, apiObjects:
		return types.ListType{ElemType: objectType(f.fields)}
	}
	return types.StringType
}

func objectType(fields []apiField) types.ObjectType {
	t := types.ObjectType{AttrTypes: map[string]attr.Type{}}
	for _, f := range fields {
		t.AttrTypes[f.name] = f.attrType()
	}
	return t
}

// merged is several values whose JSON objects setFromAPI reads as one,
// later keys winning: an SDK object and the attributes a data source adds
// to it. (Embedding the SDK struct would not do: its MarshalJSON method
// would be promoted and drop the added fields.)
type merged []any

// setFromAPI sets each field at the root of state from v, which must
// marshal to a JSON object holding the fields by name (an SDK struct, a
// map wrapping one: {"catalog_info": info}, or a merged). A field the API leaves out
// reads as its zero value (empty string, 0, false, empty map or list), as
// in the official provider, so expressions over it never meet a null.
func setFromAPI(ctx context.Context, state *tfsdk.State, v any, fields ...apiField) diag.Diagnostics {
	var diags diag.Diagnostics
	parts, ok := v.(merged)
	if !ok {
		parts = merged{v}
	}
	obj := map[string]any{}
	for _, part := range parts {
		if err := decodeInto(part, obj); err != nil {
			diags.AddError("Reading the API's answer failed", err.Error())
			return diags
		}
	}
	for _, f := range fields {
		val, err := f.value(obj[f.restKey()])
		if err != nil {
			diags.AddAttributeError(path.Root(f.name), "Reading the API's answer failed", err.Error())
			continue
		}
		diags.Append(state.SetAttribute(ctx, path.Root(f.name), val)...)
	}
	return diags
}

// decodeInto adds the keys of v's JSON object to obj, numbers kept exact.
func decodeInto(v any, obj map[string]any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(&obj)
}

// value converts one decoded JSON value into f's Terraform value.
func (f apiField) value(raw any) (attr.Value, error) {
	switch f.kind {
	case apiInt:
		n, _ := raw.(json.Number)
		if n == "" {
			return types.Int64Value(0), nil
		}
		i, err := n.Int64()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		return types.Int64Value(i), nil
	case apiBool:
		b, _ := raw.(bool)
		return types.BoolValue(b), nil
	case apiStringMap:
		m, _ := raw.(map[string]any)
		elems := map[string]attr.Value{}
		for k, v := range m {
			elems[k] = types.StringValue(fmt.Sprint(v))
		}
		return types.MapValueMust(types.StringType, elems), nil
	case apiStringList:
		items, _ := raw.([]any)
		elems := make([]attr.Value, len(items))
		for i, v := range items {
			elems[i] = types.StringValue(fmt.Sprint(v))
		}
		return types.ListValueMust(types.StringType, elems), nil
	case apiObject, apiObjects:
		var items []any
		if f.kind == apiObject && raw != nil {
			items = []any{raw}
		} else {
			items, _ = raw.([]any)
		}
		elemType := objectType(f.fields)
		elems := make([]attr.Value, 0, len(items))
		for _, item := range items {
			m, _ := item.(map[string]any)
			attrs := map[string]attr.Value{}
			for _, sub := range f.fields {
				v, err := sub.value(m[sub.restKey()])
				if err != nil {
					return nil, fmt.Errorf("%s.%w", f.name, err)
				}
				attrs[sub.name] = v
			}
			obj, d := types.ObjectValue(elemType.AttrTypes, attrs)
			if d.HasError() {
				return nil, fmt.Errorf("%s: %v", f.name, d)
			}
			elems = append(elems, obj)
		}
		list, d := types.ListValue(elemType, elems)
		if d.HasError() {
			return nil, fmt.Errorf("%s: %v", f.name, d)
		}
		return list, nil
	}
	if raw == nil {
		return types.StringValue(""), nil
	}
	if s, ok := raw.(string); ok {
		return types.StringValue(s), nil
	}
	return types.StringValue(fmt.Sprint(raw)), nil
}
