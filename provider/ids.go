package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// pairSeparator joins the two parts of the ids the official Databricks
// provider gives objects named inside a scope (databricks_secret
// "<scope>|||<key>", databricks_secret_acl "<scope>|||<principal>"), so an
// import block written for it works here unchanged. Its pair ids of two
// SCIM ids (databricks_group_member "<group_id>|<member_id>") use
// scimPairSeparator.
const (
	pairSeparator     = "|||"
	scimPairSeparator = "|"
)

func pairID(first, second string) string { return first + pairSeparator + second }

// splitPairID splits a "<first>|||<second>" id.
func splitPairID(id string) (string, string, bool) { return splitPairIDBy(id, pairSeparator) }

func splitPairIDBy(id, sep string) (string, string, bool) {
	first, second, ok := strings.Cut(id, sep)
	return first, second, ok && first != "" && second != ""
}

// importPair imports a "<first>|||<second>" id into id and the two
// attributes it names, or tells the user the shape expected.
func importPair(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, kind, firstAttr, secondAttr string) {
	importPairBy(ctx, req, resp, pairSeparator, kind, firstAttr, secondAttr)
}

// importPairBy is importPair for ids whose parts sep joins.
func importPairBy(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, sep, kind, firstAttr, secondAttr string) {
	first, second, ok := splitPairIDBy(req.ID, sep)
	if !ok {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Import a %s as <%s>%s<%s>, got %q.", kind, firstAttr, sep, secondAttr, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(firstAttr), first)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(secondAttr), second)...)
}
