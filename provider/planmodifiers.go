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

type defaultFromAttributeModifier struct{ source path.Path }

func (m defaultFromAttributeModifier) Description(context.Context) string {
	return fmt.Sprintf("Defaults to the value of %s.", m.source)
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
	resp.PlanValue = v
}
