// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/client"
)

// A CUDA version is a decimal on the server: "11.10", "011.1" and "11.1" name one row, and
// "11" is the row "11.0". cudaVersionType is a string whose values are equal when they are
// the same decimal, so that a configuration may write any of them: plans keep what state
// holds, and state keeps what the configuration writes.

var (
	_ basetypes.StringTypable                    = cudaVersionType{}
	_ basetypes.StringValuableWithSemanticEquals = cudaVersionValue{}
)

type cudaVersionType struct{ basetypes.StringType }

func (t cudaVersionType) String() string { return "cudaVersionType" }

func (t cudaVersionType) Equal(o attr.Type) bool {
	_, ok := o.(cudaVersionType)
	return ok
}

func (t cudaVersionType) ValueType(context.Context) attr.Value { return cudaVersionValue{} }

func (t cudaVersionType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return cudaVersionValue{StringValue: in}, nil
}

func (t cudaVersionType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return cudaVersionValue{StringValue: s}, nil
}

// cudaVersionValue is a CUDA version as written.
type cudaVersionValue struct{ basetypes.StringValue }

func (v cudaVersionValue) Type(context.Context) attr.Type { return cudaVersionType{} }

func (v cudaVersionValue) Equal(o attr.Value) bool {
	other, ok := o.(cudaVersionValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether two versions are the same decimal.
func (v cudaVersionValue) StringSemanticEquals(ctx context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	n, diags := newValuable.ToStringValue(ctx)
	if diags.HasError() || !known(v.StringValue) || !known(n) {
		return false, diags
	}
	return client.CUDAVersionKey(v.ValueString()) == client.CUDAVersionKey(n.ValueString()), diags
}

// cudaVersion is s as a CUDA version value.
func cudaVersion(s string) cudaVersionValue {
	return cudaVersionValue{StringValue: basetypes.NewStringValue(s)}
}
