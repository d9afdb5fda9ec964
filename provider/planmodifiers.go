package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// defaultFromAttribute plans an unconfigured Optional+Computed string as the
// planned value of another attribute — for API defaults such as "the driver
// uses the worker node type" that follow another field when it changes.
func defaultFromAttribute(source path.Path) planmodifier.String {
	return defaultFromAttributeModifier{source: source}
}

// prefixedAttribute plans a computed string as prefix followed by the
// planned value of another attribute (acl_principal_id "groups/<name>"), so
// that it follows a rename in the plan instead of surprising Terraform
// after apply.
func prefixedAttribute(prefix string, source path.Path) planmodifier.String {
	return defaultFromAttributeModifier{source: source, prefix: prefix}
}

type defaultFromAttributeModifier struct {
	source path.Path
	prefix string
}

func (m defaultFromAttributeModifier) Description(context.Context) string {
	return fmt.Sprintf("Defaults to %q followed by the value of %s.", m.prefix, m.source)
}

func (m defaultFromAttributeModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m defaultFromAttributeModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var v types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, m.source, &v)...)
	if m.prefix != "" && !v.IsUnknown() && !v.IsNull() {
		v = types.StringValue(m.prefix + v.ValueString())
	}
	resp.PlanValue = v
}
