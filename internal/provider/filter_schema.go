// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// This file describes the filter language of ufdl_dockerimages as HCL blocks: which fields
// the server filters docker images on, with which JSON type, and the block schema. The same
// tables drive the validation in filter_build.go and the descriptions users read.

// filterFieldType is the JSON type the server compares a field with.
type filterFieldType int

const (
	filterText filterFieldType = iota
	filterWholeNumber
	filterBoolean
)

// filterField is one docker-image field the server can filter and order on.
type filterField struct {
	name string
	typ  filterFieldType
	// numeric marks a text field that holds a number (the CUDA version): the server
	// compares it as a number, so the value must be one.
	numeric bool
	// byName is, for a foreign key (which compares by primary key), the related field
	// that holds the name users know, e.g. framework__name for framework.
	byName string
	// multi marks a field with several values per image (tasks__name): it matches when
	// any value matches, and cannot be ordered by.
	multi bool
}

// dockerImageFilterFields lists the filterable fields of a docker image, sorted by name.
var dockerImageFilterFields = []filterField{
	{name: "cpu", typ: filterBoolean},
	{name: "cuda_version", typ: filterWholeNumber, byName: "cuda_version__version"},
	{name: "cuda_version__full_version", typ: filterText},
	{name: "cuda_version__version", typ: filterText, numeric: true},
	{name: "domain", typ: filterWholeNumber, byName: "domain__name"},
	{name: "domain__description", typ: filterText},
	{name: "domain__name", typ: filterText},
	{name: "framework", typ: filterWholeNumber, byName: "framework__name"},
	{name: "framework__name", typ: filterText},
	{name: "framework__version", typ: filterText},
	{name: "licence", typ: filterWholeNumber, byName: "licence__name"},
	{name: "licence__name", typ: filterText},
	{name: "min_hardware_generation", typ: filterWholeNumber, byName: "min_hardware_generation__generation"},
	{name: "min_hardware_generation__generation", typ: filterText},
	{name: "name", typ: filterText},
	{name: "pk", typ: filterWholeNumber},
	{name: "registry_password", typ: filterText},
	{name: "registry_url", typ: filterText},
	{name: "registry_username", typ: filterText},
	{name: "tasks__name", typ: filterText, multi: true},
	{name: "url", typ: filterText},
	{name: "version", typ: filterText},
}

func lookupFilterField(name string) (filterField, bool) {
	i := slices.IndexFunc(dockerImageFilterFields, func(f filterField) bool { return f.name == name })
	if i < 0 {
		return filterField{}, false
	}
	return dockerImageFilterFields[i], true
}

// filterFieldNames returns the names of the fields for which keep is true, in table order.
func filterFieldNames(keep func(filterField) bool) []string {
	var out []string
	for _, f := range dockerImageFilterFields {
		if keep(f) {
			out = append(out, f.name)
		}
	}
	return out
}

func allFilterFields(filterField) bool      { return true }
func textFilterFields(f filterField) bool   { return f.typ == filterText }
func orderableFields(f filterField) bool    { return !f.multi }
func numberFilterFields(f filterField) bool { return f.typ == filterWholeNumber }

// filterOperators are the comparisons of a compare block, as the server spells them.
var filterOperators = []string{client.OpLess, client.OpGreater, client.OpLessEqual, client.OpGreaterEqual}

// Expression kinds, as block names.
const (
	kindExact    = "exact"
	kindContains = "contains"
	kindIsNull   = "isnull"
	kindCompare  = "compare"
	kindAnd      = "and"
	kindOr       = "or"
)

var (
	leafKinds = []string{kindExact, kindContains, kindIsNull, kindCompare}
	// filterKinds may stand in a filter block; andKinds inside and; orKinds inside or.
	filterKinds = []string{kindExact, kindContains, kindIsNull, kindCompare, kindAnd, kindOr}
	andKinds    = leafKinds
	orKinds     = []string{kindExact, kindContains, kindIsNull, kindCompare, kindAnd}
)

// Descriptions shared by the blocks of the same kind at every depth.
var (
	fieldDescription = "Docker image field to test: one of " + docChoices(filterFieldNames(allFilterFields)) + ". " +
		"Fields of related rows are reached with `__`, e.g. `framework__name`. " +
		"The bare foreign keys (" + docChoices(filterFieldNames(func(f filterField) bool { return f.byName != "" })) + ") compare by primary key."
	valueDescription = "Value to compare with, written as text; the provider converts it to the field's type: " +
		"`true` or `false` for `cpu`; a whole number for " + docChoices(filterFieldNames(numberFilterFields)) + "; " +
		"a number such as `\"11.1\"` for `cuda_version__version`; text for the rest."
	invertDescription          = "Negate the expression: match the images it does not match (images whose field is null included). Defaults to `false`."
	caseInsensitiveDescription = "Ignore upper and lower case. Only for text fields. Defaults to `false`."
)

func leafDescription(kind string) string {
	switch kind {
	case kindExact:
		return "Matches images whose `field` equals `value`. On `tasks__name` it matches images with any task of that name."
	case kindContains:
		return "Matches images whose text `field` contains `sub_string`. Text fields: " + docChoices(filterFieldNames(textFilterFields)) + "."
	case kindIsNull:
		return "Matches images whose `field` is null, e.g. `min_hardware_generation` of CPU images or `registry_username` of registries without login."
	}
	return "Matches images whose `field` compares with `value` by `operator` (" + docChoices(filterOperators) + "): " +
		"numbers and the CUDA version numerically, text alphabetically in the database's collation."
}

// leafAttributes are the arguments of a leaf expression. required is false in the single
// blocks of a filter block: the framework checks required arguments of an absent single
// block too, so there the builder checks them (missingArgument).
func leafAttributes(kind string, required bool) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"field":  schema.StringAttribute{MarkdownDescription: fieldDescription, Required: required, Optional: !required},
		"invert": schema.BoolAttribute{MarkdownDescription: invertDescription, Optional: true},
	}
	switch kind {
	case kindExact:
		attrs["value"] = schema.StringAttribute{MarkdownDescription: valueDescription, Required: required, Optional: !required}
		attrs["case_insensitive"] = schema.BoolAttribute{MarkdownDescription: caseInsensitiveDescription, Optional: true}
	case kindContains:
		attrs["sub_string"] = schema.StringAttribute{MarkdownDescription: "Text the field must contain, e.g. `cuda11`.", Required: required, Optional: !required}
		attrs["case_insensitive"] = schema.BoolAttribute{MarkdownDescription: caseInsensitiveDescription, Optional: true}
	case kindCompare:
		attrs["operator"] = schema.StringAttribute{
			MarkdownDescription: "Comparison: " + docChoices(filterOperators) + ". The image's field stands on the left: `>=` with value `\"11.0\"` matches CUDA 11.0 and newer.",
			Required:            required,
			Optional:            !required,
		}
		attrs["value"] = schema.StringAttribute{MarkdownDescription: valueDescription, Required: required, Optional: !required}
	}
	return attrs
}

// leafRequired names the arguments a leaf expression needs.
func leafRequired(kind string) string {
	switch kind {
	case kindExact:
		return "`field` and `value`"
	case kindContains:
		return "`field` and `sub_string`"
	case kindCompare:
		return "`field`, `operator` and `value`"
	}
	return "`field`"
}

// leafListBlocks are the leaf expressions inside and/or: any number of each kind.
func leafListBlocks() map[string]schema.Block {
	out := map[string]schema.Block{}
	for _, k := range leafKinds {
		out[k] = schema.ListNestedBlock{
			MarkdownDescription: leafDescription(k),
			NestedObject:        schema.NestedBlockObject{Attributes: leafAttributes(k, true)},
		}
	}
	return out
}

const andDescription = "Matches images that match every expression inside: any number of `exact`, `contains`, `isnull` and `compare` blocks, at least one. " +
	"The server's filter language allows no `or` inside `and`."

const orDescription = "Matches images that match at least one expression inside: any number of `exact`, `contains`, `isnull`, `compare` and `and` blocks, at least one."

// filterBlock is the `filter` block of ufdl_dockerimages: each holds one expression.
func filterBlock() schema.ListNestedBlock {
	blocks := map[string]schema.Block{}
	for _, k := range leafKinds {
		blocks[k] = schema.SingleNestedBlock{MarkdownDescription: leafDescription(k) + " Needs " + leafRequired(k) + ".", Attributes: leafAttributes(k, false)}
	}
	blocks[kindAnd] = schema.SingleNestedBlock{MarkdownDescription: andDescription, Blocks: leafListBlocks()}
	orBlocks := leafListBlocks()
	orBlocks[kindAnd] = schema.ListNestedBlock{
		MarkdownDescription: andDescription,
		NestedObject:        schema.NestedBlockObject{Blocks: leafListBlocks()},
	}
	blocks[kindOr] = schema.SingleNestedBlock{MarkdownDescription: orDescription, Blocks: orBlocks}
	return schema.ListNestedBlock{
		MarkdownDescription: "One filter expression, evaluated on the server. Each block holds exactly one of " + docChoices(filterKinds) + ". " +
			"Several `filter` blocks all must match; the server applies them in order, after the shortcut arguments.",
		NestedObject: schema.NestedBlockObject{Blocks: blocks},
	}
}

// orderByBlock is the `order_by` block of ufdl_dockerimages.
func orderByBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "Sort order of `images`, most significant first. Images that sort equal, and all images without it, come in primary-key order: the provider adds the primary key as the last key, since the server has no order of its own.",
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"field": schema.StringAttribute{
				MarkdownDescription: "Field to sort by: one of " + docChoices(filterFieldNames(orderableFields)) + ". " +
					"`tasks__name` cannot be sorted by, as an image has several tasks.",
				Required: true,
			},
			"ascending": schema.BoolAttribute{
				MarkdownDescription: "Sort smallest first. Defaults to `true`.",
				Optional:            true,
			},
			"nulls_first": schema.BoolAttribute{
				MarkdownDescription: "Put images whose field is null (e.g. CPU images without `min_hardware_generation`) first (`true`) or last (`false`). " +
					"Defaults to the database's order: last when ascending, first when descending.",
				Optional: true,
			},
		}},
	}
}

// oneOf renders choices for error messages: "one of: a, b, c".

// fieldTypeNoun says what a field holds, for error messages.
func fieldTypeNoun(f filterField) string {
	switch {
	case f.typ == filterBoolean:
		return "true or false"
	case f.typ == filterWholeNumber && f.byName != "":
		return fmt.Sprintf("a primary key (a whole number; to match by name use %s)", f.byName)
	case f.typ == filterWholeNumber:
		return "a whole number"
	case f.numeric:
		return "a number such as \"11.1\""
	}
	return "text"
}
