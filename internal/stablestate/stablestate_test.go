// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package stablestate

import (
	"context"
	"math/big"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

var imageType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"pk": tftypes.Number, "cap": tftypes.Number, "name": tftypes.String, "cpu": tftypes.Bool,
	"tasks": tftypes.Set{ElementType: tftypes.String}, "password": tftypes.String,
	"labels": tftypes.Map{ElementType: tftypes.String}, "sizes": tftypes.List{ElementType: tftypes.Number},
}}

var imageCtyType = cty.Object(map[string]cty.Type{
	"pk": cty.Number, "cap": cty.Number, "name": cty.String, "cpu": cty.Bool,
	"tasks": cty.Set(cty.String), "password": cty.String,
	"labels": cty.Map(cty.String), "sizes": cty.List(cty.Number),
})

func image() tftypes.Value {
	return tftypes.NewValue(imageType, map[string]tftypes.Value{
		"pk":       tftypes.NewValue(tftypes.Number, big.NewFloat(18)),
		"cap":      tftypes.NewValue(tftypes.Number, big.NewFloat(6.15)),
		"name":     tftypes.NewValue(tftypes.String, "yolo"),
		"cpu":      tftypes.NewValue(tftypes.Bool, false),
		"tasks":    tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "Predict"), tftypes.NewValue(tftypes.String, "Train")}),
		"password": tftypes.NewValue(tftypes.String, nil),
		"labels":   tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"a": tftypes.NewValue(tftypes.String, "b")}),
		"sizes":    tftypes.NewValue(tftypes.List{ElementType: tftypes.Number}, []tftypes.Value{tftypes.NewValue(tftypes.Number, big.NewFloat(1e21))}),
	})
}

func TestMarshalJSON(t *testing.T) {
	b, err := MarshalJSON(image())
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"cap":6.15,"cpu":false,"labels":{"a":"b"},"name":"yolo","password":null,"pk":18,"sizes":[1000000000000000000000],"tasks":["Predict","Train"]}`
	if string(b) != want {
		t.Errorf("JSON = %s\nwant   %s", b, want)
	}
	if _, err := MarshalJSON(tftypes.NewValue(tftypes.String, tftypes.UnknownValue)); err == nil {
		t.Error("an unknown value has no JSON form, yet it was encoded")
	}
}

// TestRefreshedEqualsStored is why the package exists: Terraform decodes its stored object
// from the state file's JSON and compares it with reflect.DeepEqual to the refreshed one.
// Decoded from MessagePack, the refreshed object is not deeply equal although nothing
// changed; decoded from this package's JSON, it is.
func TestRefreshedEqualsStored(t *testing.T) {
	msgpack, err := tfprotov6.NewDynamicValue(imageType, image())
	if err != nil {
		t.Fatal(err)
	}
	fromMsgpack, err := ctymsgpack.Unmarshal(msgpack.MsgPack, imageCtyType)
	if err != nil {
		t.Fatal(err)
	}
	// The state file holds what Terraform encodes of the object it was given, and gives back
	// what it decodes of that.
	stateJSON, err := ctyjson.Marshal(fromMsgpack, imageCtyType)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := ctyjson.Unmarshal(stateJSON, imageCtyType)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(stored, fromMsgpack) {
		t.Fatal("the MessagePack decoding is deeply equal to the stored object: the test proves nothing")
	}
	j := asJSON(&msgpack, imageType)
	if j.JSON == nil || j.MsgPack != nil {
		t.Fatalf("asJSON gave %+v, want JSON only", j)
	}
	refreshed, err := ctyjson.Unmarshal(j.JSON, imageCtyType)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(stored, refreshed) {
		t.Errorf("the object decoded from the JSON is not deeply equal to the stored one:\n%#v\n%#v", stored, refreshed)
	}
	if again, _ := ctyjson.Marshal(refreshed, imageCtyType); string(again) != string(stateJSON) {
		t.Errorf("the state file would change:\n%s\n%s", stateJSON, again)
	}
}

// fakeServer answers ReadResource with a fixed state and identity; its schemas name their types.
type fakeServer struct {
	fullServer
	state, identity *tfprotov6.DynamicValue
	stateType       tftypes.Type
}

func (f *fakeServer) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	var attrs []*tfprotov6.SchemaAttribute
	for name, typ := range f.stateType.(tftypes.Object).AttributeTypes {
		attrs = append(attrs, &tfprotov6.SchemaAttribute{Name: name, Type: typ, Optional: true})
	}
	return &tfprotov6.GetProviderSchemaResponse{ResourceSchemas: map[string]*tfprotov6.Schema{
		"ufdl_x": {Block: &tfprotov6.SchemaBlock{Attributes: attrs}},
	}}, nil
}

func (f *fakeServer) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{
		"ufdl_x": {IdentityAttributes: []*tfprotov6.ResourceIdentitySchemaAttribute{{Name: "pk", Type: tftypes.Number, RequiredForImport: true}}},
	}}, nil
}

func (f *fakeServer) ReadResource(context.Context, *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: f.state, NewIdentity: &tfprotov6.ResourceIdentityData{IdentityData: f.identity}}, nil
}

func TestWrapAnswersReadResourceInJSON(t *testing.T) {
	idType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"pk": tftypes.Number}}
	state, _ := tfprotov6.NewDynamicValue(imageType, image())
	identity, _ := tfprotov6.NewDynamicValue(idType, tftypes.NewValue(idType, map[string]tftypes.Value{"pk": tftypes.NewValue(tftypes.Number, big.NewFloat(18))}))
	s := Wrap(&fakeServer{state: &state, identity: &identity, stateType: imageType})
	resp, err := s.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: "ufdl_x"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.NewState.MsgPack != nil || string(resp.NewState.JSON) == "" {
		t.Errorf("state: %+v, want JSON", resp.NewState)
	}
	if got := string(resp.NewIdentity.IdentityData.JSON); got != `{"pk":18}` {
		t.Errorf("identity JSON = %q, want {\"pk\":18}", got)
	}
	// Read back, the state says what it said: numbers as decimal text, 6.15 as written.
	back, err := resp.NewState.Unmarshal(imageType)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mustJSON(t, back), mustJSON(t, image()); got != want {
		t.Errorf("the JSON state reads back as %s, want %s", got, want)
	}

	// A value with an unknown, and a resource type the schemas do not name, keep MessagePack.
	unknown, _ := tfprotov6.NewDynamicValue(idType, tftypes.NewValue(idType, map[string]tftypes.Value{"pk": tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)}))
	if got := asJSON(&unknown, idType); got.MsgPack == nil {
		t.Errorf("an unknown value lost its MessagePack: %+v", got)
	}
	resp, _ = s.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: "other"})
	if resp.NewState.MsgPack == nil {
		t.Errorf("a resource without a known type lost its MessagePack: %+v", resp.NewState)
	}
	dynamic := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"v": tftypes.DynamicPseudoType}}
	if !hasDynamic(dynamic) || hasDynamic(imageType) {
		t.Error("hasDynamic does not find the dynamic attribute, or finds one where there is none")
	}
}

func TestWrapLeavesPartialServers(t *testing.T) {
	var partial tfprotov6.ProviderServer = struct{ tfprotov6.ProviderServer }{}
	if Wrap(partial) != partial {
		t.Error("a server without the protocol's optional parts was wrapped, hiding nothing it lacks but changing its type")
	}
}

func mustJSON(t *testing.T, v tftypes.Value) string {
	t.Helper()
	b, err := MarshalJSON(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
