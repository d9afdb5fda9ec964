package provider

import (
	"context"
	"fmt"
	pathpkg "path"
	"strconv"
	"strings"

	"github.com/databricks/databricks-sdk-go"
	"github.com/databricks/databricks-sdk-go/service/workspace"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = (*gitFolderResource)(nil)
	_ resource.ResourceWithImportState = (*gitFolderResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*gitFolderResource)(nil)
)

func newGitFolderResource() resource.Resource { return &gitFolderResource{} }

type gitFolderResource struct{ data *providerData }

// gitFolderModel mirrors databricks_repo / databricks_git_folder (url,
// git_provider, path, branch, tag, commit_hash, sparse_checkout,
// workspace_path); API: databricks-sdk-go service/workspace
// CreateRepoRequest, UpdateRepoRequest, GetRepoResponse.
type gitFolderModel struct {
	ID             types.String     `tfsdk:"id"`
	URL            types.String     `tfsdk:"url"`
	GitProvider    types.String     `tfsdk:"git_provider"`
	Path           types.String     `tfsdk:"path"`
	Branch         types.String     `tfsdk:"branch"`
	Tag            types.String     `tfsdk:"tag"`
	CommitHash     types.String     `tfsdk:"commit_hash"`
	WorkspacePath  types.String     `tfsdk:"workspace_path"`
	SparseCheckout []sparseCheckout `tfsdk:"sparse_checkout"`
}

type sparseCheckout struct {
	Patterns types.List `tfsdk:"patterns"`
}

// gitProviderHosts infers git_provider from the url's host, as the
// official provider does.
var gitProviderHosts = map[string]string{
	"github.com": "gitHub", "gitlab.com": "gitLab", "bitbucket.org": "bitbucketCloud",
	"dev.azure.com": "azureDevOpsServices", "visualstudio.com": "azureDevOpsServices",
}

func (r *gitFolderResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_git_folder"
}

func (r *gitFolderResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computedForceNew := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: desc,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured()}}
	}
	ref := stringvalidator.ConflictsWith(path.MatchRoot("branch"), path.MatchRoot("tag"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "A git folder (repo): a git repository checked out in the workspace, such as the training code " +
			"a retraining job runs. Changing `branch` or `tag` checks it out in place (a pull). Same arguments and import " +
			"id (the repo id) as `databricks_repo`.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("The repo id."),
			"url": schema.StringAttribute{Required: true, MarkdownDescription: "HTTPS url of the repository. Changing it replaces the folder.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"git_provider": computedForceNew("`gitHub`, `gitLab`, `bitbucketCloud`, `azureDevOpsServices`, …; inferred from well-known hosts."),
			"path":         computedForceNew("Workspace path (default `/Repos/<user>/<repository>`); its parent folder must exist."),
			"branch": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Branch to check out (default `main`); changes in place.",
				Validators: []validator.String{ref}, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"tag":            schema.StringAttribute{Optional: true, MarkdownDescription: "Tag to check out instead of a branch; changes in place.", Validators: []validator.String{ref}},
			"commit_hash":    schema.StringAttribute{Computed: true, MarkdownDescription: "Commit checked out."},
			"workspace_path": computedString("The path under `/Workspace`."),
		},
		Blocks: map[string]schema.Block{
			"sparse_checkout": schema.ListNestedBlock{
				MarkdownDescription: "Check out only these paths (cone patterns). Changing it replaces the folder.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				PlanModifiers:       []planmodifier.List{listplanmodifier.RequiresReplace()},
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"patterns": schema.ListAttribute{ElementType: types.StringType, Required: true, MarkdownDescription: "Paths to check out."},
				}},
			},
		},
	}
}

// ModifyPlan: checking out a tag detaches the head, so no branch is
// planned; leaving a tag for the default branch plans it unknown.
func (r *gitFolderResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var tag, branch, priorTag types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("tag"), &tag)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("branch"), &branch)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("tag"), &priorTag)...)
	}
	switch {
	case !tag.IsNull():
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("branch"), types.StringNull())...)
	case branch.IsNull() && !priorTag.IsNull():
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("branch"), types.StringUnknown())...)
	}
}

func (r *gitFolderResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *gitFolderResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, w, ok := begin[gitFolderModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if !ok {
		return
	}
	create := workspace.CreateRepoRequest{Url: plan.URL.ValueString(), Provider: plan.GitProvider.ValueString(), Path: plan.Path.ValueString()}
	if create.Provider == "" {
		for host, provider := range gitProviderHosts {
			if strings.Contains(create.Url, host) {
				create.Provider = provider
			}
		}
	}
	for _, sc := range plan.SparseCheckout {
		create.SparseCheckout = &workspace.SparseCheckout{Patterns: stringsOf(ctx, sc.Patterns, &resp.Diagnostics)}
	}
	// A folder's path is unique: a create whose answer was lost is
	// retried into RESOURCE_ALREADY_EXISTS. Git folders record neither
	// creator nor creation time, so the folder at the path is adopted only
	// when it is a clone of the same repository (createOrAdopt).
	var created *workspace.GetRepoResponse
	err := r.data.createOrAdopt(ctx, w, adoption{
		kind: "git folder", typeName: "brickops_git_folder", importID: create.Path, lookFirst: true,
		create: func(ctx context.Context) (err error) {
			c, err := w.Repos.Create(ctx, create)
			if err == nil {
				created = &workspace.GetRepoResponse{Id: c.Id, Branch: c.Branch}
			}
			return err
		},
		existing: func(ctx context.Context) (origin, error) {
			at := create.Path
			if at == "" {
				// Without a path the service clones into the caller's
				// /Repos folder under the repository's name.
				me, err := r.data.principal(ctx, w)
				if err != nil {
					return origin{}, err
				}
				at = "/Repos/" + me + "/" + strings.TrimSuffix(pathpkg.Base(create.Url), ".git")
			}
			repos, err := w.Repos.ListAll(ctx, workspace.ListReposRequest{PathPrefix: at})
			if err != nil {
				return origin{}, err
			}
			for _, rp := range repos {
				if rp.Path == at {
					created = &workspace.GetRepoResponse{Id: rp.Id, Branch: rp.Branch}
					return origin{unattributed: true, fresh: true, differs: differs(
						[3]string{"url", create.Url, rp.Url}, [3]string{"git_provider", strings.ToLower(create.Provider), strings.ToLower(rp.Provider)})}, nil
				}
			}
			return origin{}, fmt.Errorf("the path %s holds no git folder: %w", at, errNotFound)
		},
	})
	if err != nil {
		resp.Diagnostics.AddError("Creating git folder failed", fmt.Sprintf("Cloning %s: %v", create.Url, err))
		return
	}
	id := strconv.FormatInt(created.Id, 10)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	r.checkout(ctx, w, id, &plan, created.Branch, &resp.State, &resp.Diagnostics)
}

func (r *gitFolderResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, w, ok := begin[gitFolderModel](ctx, r.data, req.Plan, &resp.Diagnostics)
	if ok {
		r.checkout(ctx, w, plan.ID.ValueString(), &plan, "", &resp.State, &resp.Diagnostics)
	}
}

// checkout puts the configured tag or branch in place (unless current is
// already the branch wanted) and records the folder.
func (r *gitFolderResource) checkout(ctx context.Context, w *databricks.WorkspaceClient, id string, m *gitFolderModel, current string, state stateSetter, diags *diag.Diagnostics) {
	repoID, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		diags.AddError("Invalid git folder id", fmt.Sprintf("Git folder id %q is not a number.", id))
		return
	}
	update := workspace.UpdateRepoRequest{RepoId: repoID, Tag: m.Tag.ValueString()}
	switch {
	case update.Tag != "":
	case m.Branch.IsUnknown() && current == "":
		update.Branch = "main"
	case !m.Branch.IsUnknown() && m.Branch.ValueString() != current:
		update.Branch = m.Branch.ValueString()
	}
	if update.Tag != "" || update.Branch != "" {
		if err := w.Repos.Update(ctx, update); err != nil {
			diags.AddError("Checking out failed", fmt.Sprintf("Checking out %s%s in git folder %s: %v", update.Branch, update.Tag, id, err))
			return
		}
	}
	got, err := w.Repos.GetByRepoId(ctx, repoID)
	if err != nil {
		diags.AddError("Reading git folder failed", fmt.Sprintf("Git folder %s: %v", id, err))
		return
	}
	m.fromAPI(ctx, got, diags)
	diags.Append(state.Set(ctx, m)...)
}

func (r *gitFolderResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, w, ok := begin[gitFolderModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	repoID, err := strconv.ParseInt(state.ID.ValueString(), 10, 64)
	if err != nil {
		resp.Diagnostics.AddError("Invalid git folder id", fmt.Sprintf("Import a git folder by its numeric repo id, got %q.", state.ID.ValueString()))
		return
	}
	got, err := refreshGitFolders.read(ctx, r.data, state.ID.ValueString(), func(ctx context.Context, _ string) (*workspace.GetRepoResponse, error) {
		return w.Repos.GetByRepoId(ctx, repoID)
	})
	if readFailed(ctx, resp, err, "git folder", fmt.Sprintf("git folder %d", repoID)) {
		return
	}
	state.fromAPI(ctx, got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *gitFolderResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, w, ok := begin[gitFolderModel](ctx, r.data, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	repoID, _ := strconv.ParseInt(state.ID.ValueString(), 10, 64)
	if err := w.Repos.DeleteByRepoId(ctx, repoID); err != nil && !isNotFound(err) {
		resp.Diagnostics.AddError("Deleting git folder failed", fmt.Sprintf("Deleting git folder %d: %v", repoID, err))
	}
}

func (r *gitFolderResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// fromAPI: a detached head (a tag) has no branch; the tag stays what was
// configured, the API does not report it.
func (m *gitFolderModel) fromAPI(ctx context.Context, g *workspace.GetRepoResponse, diags *diag.Diagnostics) {
	m.ID, m.URL, m.GitProvider = types.StringValue(strconv.FormatInt(g.Id, 10)), types.StringValue(g.Url), types.StringValue(g.Provider)
	m.Path, m.WorkspacePath, m.CommitHash = types.StringValue(g.Path), types.StringValue("/Workspace"+g.Path), types.StringValue(g.HeadCommitId)
	m.Branch = types.StringValue(g.Branch)
	if g.Branch == "" {
		m.Branch = types.StringNull()
	}
	m.SparseCheckout = nil
	if sc := g.SparseCheckout; sc != nil && len(sc.Patterns) > 0 {
		patterns, d := types.ListValueFrom(ctx, types.StringType, sc.Patterns)
		diags.Append(d...)
		m.SparseCheckout = []sparseCheckout{{Patterns: patterns}}
	}
}
