package provider

import "github.com/hashicorp/terraform-plugin-framework/provider"

// NewPerObjectRefresh is New with batched refresh off: a test compares
// both in one process, where BRICKOPS_BATCH_REFRESH would be process-wide.
func NewPerObjectRefresh(version string) func() provider.Provider {
	return func() provider.Provider { return &brickopsProvider{version: version, perObjectRefresh: true} }
}
