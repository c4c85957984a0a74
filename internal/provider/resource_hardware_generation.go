// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"fmt"
	"math"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// maxComputeCapability bounds compute capabilities: today's GPUs are below 13, and the real
// backend stores anything, even an infinity that breaks every later list of the table.
const maxComputeCapability = 1000

type hardwareGenerationResourceModel struct {
	rowIDs
	Generation           types.String  `tfsdk:"generation"`
	MinComputeCapability types.Float64 `tfsdk:"min_compute_capability"`
	MaxComputeCapability types.Float64 `tfsdk:"max_compute_capability"`
}

// NewHardwareGenerationResource returns the ufdl_hardware_generation resource.
func NewHardwareGenerationResource() resource.Resource {
	return newCatalogResource(hardwareGenerationSpec())
}

// hardwareGenerationSpec sets ufdl_hardware_generation apart from the other catalog resources; its list resource shares it.
func hardwareGenerationSpec() catalogSpec[hardwareGenerationResourceModel, client.HardwareGeneration] {
	capability := func(what string) schema.Float64Attribute {
		return schema.Float64Attribute{
			MarkdownDescription: what + fmt.Sprintf(" From 0 to %d.", maxComputeCapability),
			Required:            true,
			Validators:          []validator.Float64{float64validator.Between(0, maxComputeCapability)},
		}
	}
	return catalogSpec[hardwareGenerationResourceModel, client.HardwareGeneration]{
		typeName: "_hardware_generation", kind: hardwareKind,
		description: "A GPU hardware generation of the UFDL catalog, e.g. `Blackwell`, with the range of CUDA compute capabilities it spans. " +
			"Images name it with `min_hardware_generation`: write `min_hardware_generation = ufdl_hardware_generation.x.generation`, so that " +
			"Terraform creates it before the images and destroys it after them. The server resolves a compute capability to the generation " +
			"whose range holds it, the one with the lowest pk when ranges overlap: the plan warns about an overlap.",
		attributes: map[string]schema.Attribute{
			"generation":             textAttribute("Generation name, e.g. `Blackwell`. Unique on the server.", client.MaxGeneration),
			"min_compute_capability": capability("Lowest compute capability of the generation (inclusive), e.g. `10`."),
			"max_compute_capability": capability("Compute capability where the next generation starts (exclusive), e.g. `11`; greater than `min_compute_capability`."),
		},
		uniqueAttrs: []string{"generation"},
		keyAttrs:    []string{"generation"},
		keys: func(m *hardwareGenerationResourceModel) ([]string, bool) {
			return []string{m.Generation.ValueString()}, known(m.Generation)
		},
		rowKeys:   func(r client.HardwareGeneration) []string { return []string{r.Generation} },
		importKey: func(p []string) client.Fields { return client.Fields{client.FieldGeneration: p[0]} },
		fields: func(m *hardwareGenerationResourceModel) client.Fields {
			return client.Fields{client.FieldGeneration: m.Generation.ValueString(),
				client.FieldMinComputeCapability: m.MinComputeCapability.ValueFloat64(), client.FieldMaxComputeCapability: m.MaxComputeCapability.ValueFloat64()}
		},
		fill: func(m *hardwareGenerationResourceModel, r client.HardwareGeneration) {
			m.Generation = types.StringValue(r.Generation)
			m.MinComputeCapability, m.MaxComputeCapability = types.Float64Value(r.MinComputeCapability), types.Float64Value(r.MaxComputeCapability)
		},
		planned: func(m *hardwareGenerationResourceModel) client.HardwareGeneration {
			return client.HardwareGeneration{PK: m.PK.ValueInt64(), Generation: m.Generation.ValueString(),
				MinComputeCapability: m.MinComputeCapability.ValueFloat64(), MaxComputeCapability: m.MaxComputeCapability.ValueFloat64()}
		},
		check: checkComputeRange,
	}
}

// checkComputeRange refuses a range that holds no compute capability (the server would keep
// it, and never resolve a GPU to it), and warns when it overlaps another generation's.
func checkComputeRange(m *hardwareGenerationResourceModel, table []client.HardwareGeneration) diag.Diagnostics {
	var diags diag.Diagnostics
	lo, hi := m.MinComputeCapability, m.MaxComputeCapability
	if !known(lo) || !known(hi) || math.IsNaN(lo.ValueFloat64()) || math.IsNaN(hi.ValueFloat64()) {
		return nil
	}
	if hi.ValueFloat64() <= lo.ValueFloat64() {
		diags.AddAttributeError(path.Root("max_compute_capability"), "Empty Compute Capability Range",
			fmt.Sprintf("max_compute_capability = %g is not greater than min_compute_capability = %g: the range [min, max) holds no compute capability, "+
				"so the server would never resolve a GPU to this generation. Set max_compute_capability above min_compute_capability.",
				hi.ValueFloat64(), lo.ValueFloat64()))
		return diags
	}
	for _, other := range table {
		if other.PK == m.PK.ValueInt64() || other.Generation == m.Generation.ValueString() {
			continue
		}
		if lo.ValueFloat64() < other.MaxComputeCapability && other.MinComputeCapability < hi.ValueFloat64() {
			diags.AddAttributeWarning(path.Root("min_compute_capability"), "Overlapping Compute Capability Ranges",
				fmt.Sprintf("[%g, %g) overlaps %s [%g, %g) (pk %d): the server resolves a compute capability in both to the generation with the lower pk.",
					lo.ValueFloat64(), hi.ValueFloat64(), other.Generation, other.MinComputeCapability, other.MaxComputeCapability, other.PK))
		}
	}
	return diags
}
