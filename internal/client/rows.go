// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
)

// The catalog tables that a deployment's admins write besides the docker images: frameworks,
// CUDA versions, hardware generations, licences and job contracts. One implementation serves
// all five; rowDefs holds what sets each apart. (Domains are read-only: the real backend
// answers 403 to every domain write, even an admin's.)

// Row is a row of a writable catalog table.
type Row interface {
	Framework | CUDAVersion | HardwareGeneration | Licence | JobContract
}

// Fields are the fields of a write, by their JSON names, in request form.
type Fields map[string]any

// Field names of the catalog tables, for Fields.
const (
	FieldFullVersion          = "full_version"
	FieldMinDriverVersion     = "min_driver_version"
	FieldGeneration           = "generation"
	FieldMinComputeCapability = "min_compute_capability"
	FieldMaxComputeCapability = "max_compute_capability"
	FieldLicenceURL           = "url"
	FieldPkg                  = "pkg"
	FieldCls                  = "cls"
)

// Limits of the catalog tables' columns, in characters, as the real backend checks them.
const (
	MaxFrameworkName    = 32
	MaxFrameworkVersion = 32
	MaxCUDAText         = 16 // full_version, min_driver_version
	MaxGeneration       = 32
	MaxLicenceName      = 100
	MaxLicenceURL       = 200
	MaxSubdescriptor    = 100
	MaxJobContractName  = 64
	MaxJobContractPkg   = 64
	MaxJobContractCls   = 256
)

// rowDef is what one writable table's calls need.
type rowDef struct {
	table Table
	path  string // "/v1/frameworks"
	noun  string // "framework", in messages
	// keys are the fields of the natural key, which the server keeps unique.
	keys []string
}

var rowDefs = map[Table]rowDef{
	TableFrameworks:          {table: TableFrameworks, path: "/v1/frameworks", noun: "framework", keys: []string{FieldName, FieldVersion}},
	TableCUDAVersions:        {table: TableCUDAVersions, path: "/v1/cuda", noun: "CUDA version", keys: []string{FieldVersion}},
	TableHardwareGenerations: {table: TableHardwareGenerations, path: "/v1/hardware", noun: "hardware generation", keys: []string{FieldGeneration}},
	TableLicences:            {table: TableLicences, path: "/v1/licences", noun: "licence", keys: []string{FieldName}},
	TableJobContracts:        {table: TableJobContracts, path: "/v1/job-contracts", noun: "job contract", keys: []string{FieldName}},
}

// usedBy is the image filter that finds the images using row.
func usedBy(row any) Expression {
	switch r := row.(type) {
	case Framework:
		return Expression{Type: ExprExact, Field: FieldFramework, Value: r.PK}
	case CUDAVersion:
		return Expression{Type: ExprExact, Field: "cuda_version__version", Value: r.Version}
	case HardwareGeneration:
		return Expression{Type: ExprExact, Field: "min_hardware_generation__generation", Value: r.Generation}
	case Licence:
		return Expression{Type: ExprExact, Field: "licence__name", Value: r.Name}
	case JobContract:
		return Expression{Type: ExprExact, Field: "tasks__name", Value: r.Name}
	}
	return Expression{}
}

// defOf is the definition of R's table.
func defOf[R Row]() rowDef {
	var zero R
	switch any(zero).(type) {
	case Framework:
		return rowDefs[TableFrameworks]
	case CUDAVersion:
		return rowDefs[TableCUDAVersions]
	case HardwareGeneration:
		return rowDefs[TableHardwareGenerations]
	case Licence:
		return rowDefs[TableLicences]
	}
	return rowDefs[TableJobContracts]
}

// TableOf is the table R's rows belong to.
func TableOf[R Row]() Table { return defOf[R]().table }

// PKOf is a row's primary key.
func PKOf[R Row](r R) int64 { return rowPK(r) }

// Rows are the rows of R's table in lk; nil when lk lacks the table.
func Rows[R Row](lk *Lookups) []R {
	var rows any
	switch TableOf[R]() {
	case TableFrameworks:
		rows = lk.Frameworks
	case TableCUDAVersions:
		rows = lk.CUDAVersions
	case TableHardwareGenerations:
		rows = lk.HardwareGenerations
	case TableLicences:
		rows = lk.Licences
	case TableJobContracts:
		rows = lk.JobContracts
	}
	out, _ := rows.([]R)
	return out
}

// rowPK is a row's primary key.
func rowPK(r any) int64 {
	switch r := r.(type) {
	case Framework:
		return r.PK
	case CUDAVersion:
		return r.PK
	case HardwareGeneration:
		return r.PK
	case Licence:
		return r.PK
	case JobContract:
		return r.PK
	}
	return 0
}

func rowPath(d rowDef, pk int64) string { return fmt.Sprintf("%s/%d", d.path, pk) }

// rowCall sends req and decodes one row of R's table from the answer.
func rowCall[R Row](ctx context.Context, c *Client, req *request) (*R, error) {
	d := defOf[R]()
	var out R
	err := c.call(ctx, req, "a "+d.noun, func(b []byte) string {
		if reason := decodeObject(b, shape{required: []string{"pk"}}, &out); reason != "" {
			return reason
		}
		if rowPK(out) <= 0 {
			return `field "pk" is not a primary key`
		}
		return ""
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetRow reads row pk of R's table. A missing row gives an error for which IsNotFound is true.
func GetRow[R Row](ctx context.Context, c *Client, pk int64) (*R, error) {
	d := defOf[R]()
	if pk <= 0 {
		return nil, fmt.Errorf("%s pk %d is not valid: it must be a positive integer", d.noun, pk)
	}
	return rowCall[R](ctx, c, &request{method: http.MethodGet, path: rowPath(d, pk)})
}

// ReadRow returns row pk of R's table as listed once per Client: the refreshes of a process
// share one list call per table. A row this Client writes is read again from the server's
// answer to the write. A missing row gives an error for which IsNotFound is true.
func ReadRow[R Row](ctx context.Context, c *Client, pk int64) (*R, error) {
	d := defOf[R]()
	row, err := listedRow(ctx, c, func(r R) bool { return rowPK(r) == pk })
	if err != nil || row != nil {
		return row, err
	}
	return nil, &APIError{Method: http.MethodGet, Path: rowPath(d, pk), Status: http.StatusNotFound, Detail: "Not found."}
}

// listedRow is the first row of R's table, as listed once per Client, that match accepts;
// nil when none does.
func listedRow[R Row](ctx context.Context, c *Client, match func(R) bool) (*R, error) {
	rows, err := c.table(ctx, defOf[R]().table, false)
	if err != nil {
		return nil, err
	}
	list, _ := rows.([]R)
	if i := slices.IndexFunc(list, match); i >= 0 {
		row := list[i]
		return &row, nil
	}
	return nil, nil
}

// CreateRow creates a row of R's table with one POST and returns the server's answer. When
// the outcome is unknown (the answer was lost), the row is looked up by its natural key: one
// that holds exactly what was sent is adopted, as if created; one that differs is an
// *RowConflictError. A create is never sent twice.
func CreateRow[R Row](ctx context.Context, c *Client, fields Fields) (*R, error) {
	d := defOf[R]()
	body, err := marshalJSON(fields)
	if err != nil {
		return nil, err
	}
	req := &request{method: http.MethodPost, path: d.path + "/create", body: body, once: true}
	row, err := rowCall[R](ctx, c, req)
	if err == nil {
		cacheRow(c, *row)
		return row, nil
	}
	if !outcomeUnknown(err, req.path) {
		return nil, err
	}
	lookCtx, cancel := ctx, context.CancelFunc(func() {})
	if ctx.Err() != nil {
		lookCtx, cancel = c.settleContext(ctx)
	}
	defer cancel()
	found, lookErr := FindRow[R](lookCtx, c, fields)
	switch {
	case lookErr != nil:
		return nil, fmt.Errorf("%w; looking up the %s to see whether it was created anyway also failed: %v", err, d.noun, lookErr)
	case found == nil:
		return nil, err
	}
	if diffs := rowDifferences(fields, *found); len(diffs) > 0 {
		return nil, &RowConflictError{Noun: d.noun, PK: rowPK(*found), Differences: diffs, Cause: err}
	}
	c.log.Warn(ctx, "UFDL create outcome was unknown; adopted the matching row found on the server", map[string]any{
		"table": d.noun, "pk": rowPK(*found), "error": err.Error(),
	})
	cacheRow(c, *found)
	return found, nil
}

// RowConflictError says that a create whose answer was lost found a row with its natural key
// that differs from what it sent: not its own, or changed since.
type RowConflictError struct {
	Noun        string
	PK          int64
	Differences []string
	Cause       error
}

func (e *RowConflictError) Error() string {
	return fmt.Sprintf("%v; the server holds a %s with the same key (pk %d) that differs from the one sent: %s",
		e.Cause, e.Noun, e.PK, strings.Join(e.Differences, "; "))
}

func (e *RowConflictError) Unwrap() error { return e.Cause }

// FindRow finds the row of R's table whose natural key is the one in fields, or nil, nil.
func FindRow[R Row](ctx context.Context, c *Client, fields Fields) (*R, error) {
	d := defOf[R]()
	var exprs []Expression
	for _, k := range d.keys {
		exprs = append(exprs, Expression{Type: ExprExact, Field: k, Value: fields[k]})
	}
	var rows []R
	req, err := listRequest(d.path+"/list", &Filter{Expressions: exprs})
	if err != nil {
		return nil, err
	}
	err = c.call(ctx, req, "a list of "+d.noun+"s", func(b []byte) string {
		var reason string
		rows, reason = decodeList(b, shape{required: []string{"pk"}}, func(*R) string { return "" })
		return reason
	})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if len(keyDifferences(d, fields, r)) == 0 {
			return &r, nil
		}
	}
	return nil, nil
}

// FindListedRow is FindRow through the table as listed once per Client (ReadRow's list): the
// imports of a whole table by natural key then cost one list call, not one each. A key the
// list lacks is asked of the server, which may have gained the row since.
func FindListedRow[R Row](ctx context.Context, c *Client, fields Fields) (*R, error) {
	d := defOf[R]()
	row, err := listedRow(ctx, c, func(r R) bool { return len(keyDifferences(d, fields, r)) == 0 })
	if err != nil || row != nil {
		return row, err
	}
	return FindRow[R](ctx, c, fields)
}

// PatchRow sends a PATCH of fields to row pk of R's table and returns the server's answer.
func PatchRow[R Row](ctx context.Context, c *Client, pk int64, fields Fields) (*R, error) {
	d := defOf[R]()
	body, err := marshalJSON(fields)
	if err != nil {
		return nil, err
	}
	row, err := rowCall[R](ctx, c, &request{method: http.MethodPatch, path: rowPath(d, pk), body: body})
	if err != nil {
		return nil, err
	}
	cacheRow(c, *row)
	return row, nil
}

// StillUsedError says the server kept a row that was asked to go, because images (or other
// objects) still use it. The row is left as it was.
type StillUsedError struct {
	Noun string
	PK   int64
	// Images are the images that use the row; none when something else does.
	Images []Image
}

func (e *StillUsedError) Error() string {
	if len(e.Images) == 0 {
		return fmt.Sprintf("the server kept %s %d after the delete: something on the server still refers to it", e.Noun, e.PK)
	}
	names := make([]string, len(e.Images))
	for i, img := range e.Images {
		names[i] = fmt.Sprintf("%s:%s (pk %d)", img.Name, img.Version, img.PK)
	}
	return fmt.Sprintf("the server kept %s %d after the delete: docker images still use it: %s", e.Noun, e.PK, strings.Join(names, ", "))
}

// DeleteRow deletes row pk of R's table and proves it gone by reading it back: the real
// backend answers 204 and keeps a row that images still use (and a 500 for a used licence).
// A kept row gives a *StillUsedError naming the images that use it.
func DeleteRow[R Row](ctx context.Context, c *Client, pk int64) error {
	d := defOf[R]()
	err := c.call(ctx, &request{method: http.MethodDelete, path: rowPath(d, pk)}, "", nil)
	switch {
	case IsNotFound(err):
		uncacheRow[R](c, pk)
		return nil
	case err != nil && !outcomeUnknown(err, rowPath(d, pk)):
		return err
	}
	deleteErr := err
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if ctx.Err() != nil {
		rctx, cancel = c.settleContext(ctx)
	}
	defer cancel()
	kept, err := GetRow[R](rctx, c, pk)
	switch {
	case IsNotFound(err):
		uncacheRow[R](c, pk)
		return nil
	case err != nil:
		return errOr(deleteErr, err)
	}
	images, err := c.ListImages(rctx, &Filter{Expressions: []Expression{usedBy(*kept)}})
	if err != nil {
		return fmt.Errorf("the server kept %s %d after the delete; listing the images that use it failed: %w", d.noun, pk, err)
	}
	return &StillUsedError{Noun: d.noun, PK: pk, Images: images}
}

// Subdescriptors is one kind of a licence's lists, as the subdescriptors call names it.
type Subdescriptors string

// The kinds of a licence's lists.
const (
	SubPermissions Subdescriptors = "permissions"
	SubLimitations Subdescriptors = "limitations"
	SubConditions  Subdescriptors = "conditions"
	SubDomains     Subdescriptors = "domains"
)

// AllSubdescriptors lists the kinds in the order a licence's writes send them.
var AllSubdescriptors = []Subdescriptors{SubDomains, SubPermissions, SubLimitations, SubConditions}

// ChangeSubdescriptors adds names to, or removes them from (add false), one list of licence
// pk, and returns the licence as the server answers. The server takes one kind and one
// method per call; a licence's create and updates ignore the lists.
//
// On failure it returns, with the error, the licence as the server holds it when that is
// known: a call whose outcome is unknown (a 5xx, a connection lost after sending, an answer
// that cannot be read) may have changed the list, wholly or in part (the real backend does
// not change a list atomically), so the licence is read back. It returns nil with the error
// when the server refused the call (nothing changed) or the read-back failed too.
func (c *Client) ChangeSubdescriptors(ctx context.Context, pk int64, kind Subdescriptors, add bool, names []string) (*Licence, error) {
	method := "remove"
	if add {
		method = "add"
	}
	body, err := marshalJSON(map[string]any{"type": kind, "method": method, "names": names})
	if err != nil {
		return nil, err
	}
	d := rowDefs[TableLicences]
	path := rowPath(d, pk) + "/subdescriptors"
	lic, err := rowCall[Licence](ctx, c, &request{method: http.MethodPatch, path: path, body: body})
	if err == nil {
		cacheRow(c, *lic)
		return lic, nil
	}
	if !outcomeUnknown(err, path) {
		return nil, err
	}
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if ctx.Err() != nil {
		rctx, cancel = c.settleContext(ctx)
	}
	defer cancel()
	held, rerr := GetRow[Licence](rctx, c, pk)
	if rerr != nil {
		return nil, fmt.Errorf("%w; reading the licence back to see which %s it holds also failed: %v", err, kind, rerr)
	}
	cacheRow(c, *held)
	return held, err
}

// Of returns the list of kind.
func (l Licence) Of(kind Subdescriptors) []string {
	switch kind {
	case SubPermissions:
		return l.Permissions
	case SubLimitations:
		return l.Limitations
	case SubConditions:
		return l.Conditions
	}
	return l.Domains
}

// cacheRow puts a row the server just answered with into the Client's copy of its table,
// when that table was loaded: later reads and plan checks in the process see the write.
func cacheRow[R Row](c *Client, row R) {
	editTable(c, func(list []R) []R {
		out := slices.Clone(list)
		if i := slices.IndexFunc(out, func(x R) bool { return rowPK(x) == rowPK(row) }); i >= 0 {
			out[i] = row
			return out
		}
		return append(out, row)
	})
}

// uncacheRow drops row pk from the Client's copy of R's table.
func uncacheRow[R Row](c *Client, pk int64) {
	editTable(c, func(list []R) []R {
		return slices.DeleteFunc(slices.Clone(list), func(x R) bool { return rowPK(x) == pk })
	})
}

// editTable replaces the cached rows of R's table with edit's result, when the table is
// loaded. The slices handed out before are left as they were: Lookups are shared read-only.
func editTable[R Row](c *Client, edit func([]R) []R) {
	tc := &c.tables[TableOf[R]()]
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if rows, ok := tc.rows.([]R); ok {
		tc.rows = edit(rows)
	}
}

// keyDifferences compares the natural key in fields with row's.
func keyDifferences(d rowDef, fields Fields, row any) []string {
	key := Fields{}
	for _, k := range d.keys {
		key[k] = fields[k]
	}
	return rowDifferences(key, row)
}

// rowDifferences lists the fields of sent whose value row does not hold, as the server
// compares: text trimmed, numbers as numbers, CUDA versions as decimals.
func rowDifferences(sent Fields, row any) []string {
	raw, err := json.Marshal(row)
	if err != nil {
		return []string{err.Error()}
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		return []string{err.Error()}
	}
	_, cuda := row.(CUDAVersion)
	var diffs []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range sent {
			if !yield(k) {
				return
			}
		}
	}) {
		if !sameValue(sent[k], got[k], cuda && k == FieldVersion) {
			diffs = append(diffs, fmt.Sprintf("%s: sent %s, server has %s", k, jsonText(sent[k]), jsonText(got[k])))
		}
	}
	return diffs
}

// sameValue compares a sent value with the one a row holds.
func sameValue(sent, got any, decimal bool) bool {
	switch s := sent.(type) {
	case string:
		g, ok := got.(string)
		if decimal {
			return ok && CUDAVersionKey(s) == CUDAVersionKey(g)
		}
		return ok && strings.TrimSpace(s) == g
	case float64:
		g, ok := got.(float64)
		return ok && (s == g || (math.IsNaN(s) && math.IsNaN(g)))
	case []string:
		var g []string
		for _, v := range asSlice(got) {
			if t, ok := v.(string); ok {
				g = append(g, t)
			}
		}
		return sameSet(s, g)
	}
	return jsonText(sent) == jsonText(got)
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// IsStillUsed reports whether err says a row was kept because something still uses it.
func IsStillUsed(err error) bool {
	var su *StillUsedError
	return errors.As(err, &su)
}
