// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Package stablestate wraps the provider's protocol server so that Terraform finds an object
// it refreshes equal to the object it had stored, when nothing changed.
//
// Terraform before 1.16 decides whether a refresh changed the state (and so the exit code 2 of
// `plan -refresh-only -detailed-exitcode`, the question of every drift job) with
// reflect.DeepEqual on its in-memory objects, values included. It decodes the stored object
// from the state file's JSON, where a number is parsed from its text at 512 bits of precision,
// and the refreshed object from the provider's answer: in MessagePack, where tftypes writes a
// whole number as an integer and Terraform reads it back at 64 bits. The two numbers are equal
// and print the same, but are not deeply equal, so every resource with a number attribute looks
// changed after every refresh. The wrapper answers ReadResource in the other encoding the
// protocol allows, JSON, which Terraform decodes as it decodes its state file.
package stablestate

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// fullServer is a provider server with every optional part of the protocol, as the
// framework's is: the protocol server finds those parts by type assertion, so the wrapper
// must have them all.
type fullServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// Wrap returns s with ReadResource answering the new state and identity in JSON. A server
// without every optional part of the protocol is returned as it is.
func Wrap(s tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	full, ok := s.(fullServer)
	if !ok {
		return s
	}
	return &server{fullServer: full}
}

type server struct {
	fullServer

	once       sync.Once
	states     map[string]tftypes.Type // resource type name -> state type
	identities map[string]tftypes.Type // resource type name -> identity type
}

// ReadResource answers as s does, with the new state and identity as JSON. A value that JSON
// cannot carry as Terraform reads it (an unknown, or a dynamically typed attribute) keeps its
// MessagePack.
func (s *server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.fullServer.ReadResource(ctx, req)
	if err != nil || resp == nil {
		return resp, err
	}
	s.once.Do(func() { s.loadTypes(ctx) })
	resp.NewState = asJSON(resp.NewState, s.states[req.TypeName])
	if resp.NewIdentity != nil {
		resp.NewIdentity.IdentityData = asJSON(resp.NewIdentity.IdentityData, s.identities[req.TypeName])
	}
	return resp, nil
}

// loadTypes reads the types of every resource's state and identity from s's schemas; a type
// that cannot be read leaves its values as they are.
func (s *server) loadTypes(ctx context.Context) {
	s.states, s.identities = map[string]tftypes.Type{}, map[string]tftypes.Type{}
	if schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err == nil && schemas != nil {
		for name, schema := range schemas.ResourceSchemas {
			s.states[name] = schema.ValueType()
		}
	}
	if ids, err := s.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{}); err == nil && ids != nil {
		for name, schema := range ids.IdentitySchemas {
			s.identities[name] = schema.ValueType()
		}
	}
}

// asJSON is v, a value of type typ, encoded as JSON; v itself when that cannot be done.
func asJSON(v *tfprotov6.DynamicValue, typ tftypes.Type) *tfprotov6.DynamicValue {
	if v == nil || typ == nil || len(v.MsgPack) == 0 || hasDynamic(typ) {
		return v
	}
	val, err := v.Unmarshal(typ)
	if err != nil {
		return v
	}
	b, err := MarshalJSON(val)
	if err != nil {
		return v
	}
	return &tfprotov6.DynamicValue{JSON: b}
}

// errUnknown says a value holds an unknown, which JSON cannot carry.
var errUnknown = errors.New("the value is not wholly known")

// MarshalJSON encodes v as Terraform's state file writes a value of its type: objects and
// maps as JSON objects, lists, sets and tuples as arrays, numbers as their shortest exact
// decimal text, null as null.
func MarshalJSON(v tftypes.Value) ([]byte, error) {
	j, err := jsonValue(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(j)
}

func jsonValue(v tftypes.Value) (any, error) {
	switch {
	case !v.IsKnown():
		return nil, errUnknown
	case v.IsNull():
		return nil, nil
	}
	typ := v.Type()
	switch {
	case typ.Is(tftypes.String):
		var s string
		err := v.As(&s)
		return s, err
	case typ.Is(tftypes.Bool):
		var b bool
		err := v.As(&b)
		return b, err
	case typ.Is(tftypes.Number):
		n := new(big.Float)
		if err := v.As(&n); err != nil {
			return nil, err
		}
		return json.Number(n.Text('f', -1)), nil
	case typ.Is(tftypes.List{}), typ.Is(tftypes.Set{}), typ.Is(tftypes.Tuple{}):
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return nil, err
		}
		out := make([]any, len(elems))
		for i, e := range elems {
			j, err := jsonValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = j
		}
		return out, nil
	case typ.Is(tftypes.Map{}), typ.Is(tftypes.Object{}):
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			return nil, err
		}
		out := make(map[string]any, len(attrs))
		for k, a := range attrs {
			j, err := jsonValue(a)
			if err != nil {
				return nil, err
			}
			out[k] = j
		}
		return out, nil
	}
	return nil, errors.New("no JSON form for a value of type " + typ.String())
}

// hasDynamic reports whether typ holds a dynamic type anywhere: JSON carries the values of one
// with their types, in a form this package does not write.
func hasDynamic(typ tftypes.Type) bool {
	switch t := typ.(type) {
	case tftypes.List:
		return hasDynamic(t.ElementType)
	case tftypes.Set:
		return hasDynamic(t.ElementType)
	case tftypes.Map:
		return hasDynamic(t.ElementType)
	case tftypes.Tuple:
		for _, e := range t.ElementTypes {
			if hasDynamic(e) {
				return true
			}
		}
		return false
	case tftypes.Object:
		for _, a := range t.AttributeTypes {
			if hasDynamic(a) {
				return true
			}
		}
		return false
	}
	return typ.Is(tftypes.DynamicPseudoType)
}
