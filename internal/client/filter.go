package client

import (
	"encoding/json"
	"fmt"
)

// Expression types of the filter language (filtering.md).
const (
	ExprAnd      = "and"
	ExprOr       = "or"
	ExprExact    = "exact"
	ExprContains = "contains"
	// ExprIsNull is sent as "isnull", the spelling the official clients use; the
	// docs' "is_null" is accepted in Expression.Type and sent as "isnull" too.
	ExprIsNull  = "isnull"
	ExprCompare = "compare"
)

// Comparison operators for ExprCompare.
const (
	OpLess         = "<"
	OpGreater      = ">"
	OpLessEqual    = "<="
	OpGreaterEqual = ">="
)

// Filter is a list call's body: expressions applied in turn, then the ordering.
type Filter struct {
	Expressions []Expression
	OrderBy     []Ordering
}

// Expression is one filter expression. Which fields are sent depends on Type:
//
//	and, or:  sub_expressions
//	exact:    field, value (always, even false/0/""), case_insensitive, invert
//	contains: field, sub_string (always), case_insensitive, invert
//	isnull:   field, invert
//	compare:  field, operator, value (always), invert
//
// case_insensitive and invert are sent only when true (both default to false).
// Value may be a bool, any integer or float type, a string, or a json.Number.
type Expression struct {
	Type            string
	Field           string
	Value           any
	SubString       string
	Operator        string
	CaseInsensitive bool
	Invert          bool
	SubExpressions  []Expression
}

// Ordering sorts by Field. Ascending is always sent (the Go zero value means
// descending); NullsFirst is sent only when set, else the database default
// applies (nulls last ascending, first descending).
type Ordering struct {
	Field      string
	Ascending  bool
	NullsFirst *bool
}

type filterJSON struct {
	Expressions []Expression `json:"expressions"`
	OrderBy     []Ordering   `json:"order_by"`
}

// MarshalJSON writes {"expressions": [...], "order_by": [...]}, both always
// present as arrays.
func (f Filter) MarshalJSON() ([]byte, error) {
	out := filterJSON(f)
	if out.Expressions == nil {
		out.Expressions = []Expression{}
	}
	if out.OrderBy == nil {
		out.OrderBy = []Ordering{}
	}
	return marshalJSON(out)
}

type logicalJSON struct {
	Type           string       `json:"type"`
	SubExpressions []Expression `json:"sub_expressions"`
}

type exactJSON struct {
	Type            string `json:"type"`
	Field           string `json:"field"`
	Value           any    `json:"value"`
	CaseInsensitive bool   `json:"case_insensitive,omitempty"`
	Invert          bool   `json:"invert,omitempty"`
}

type containsJSON struct {
	Type            string `json:"type"`
	Field           string `json:"field"`
	SubString       string `json:"sub_string"`
	CaseInsensitive bool   `json:"case_insensitive,omitempty"`
	Invert          bool   `json:"invert,omitempty"`
}

type isNullJSON struct {
	Type   string `json:"type"`
	Field  string `json:"field"`
	Invert bool   `json:"invert,omitempty"`
}

type compareJSON struct {
	Type     string `json:"type"`
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    any    `json:"value"`
	Invert   bool   `json:"invert,omitempty"`
}

// MarshalJSON writes the documented JSON for the expression's type and refuses
// expressions the server could only reject.
func (e Expression) MarshalJSON() ([]byte, error) {
	needField := func() error {
		if e.Field == "" {
			return fmt.Errorf("filter: %s expression without a field", e.Type)
		}
		return nil
	}
	switch e.Type {
	case ExprAnd, ExprOr:
		subs := e.SubExpressions
		if subs == nil {
			subs = []Expression{}
		}
		return marshalJSON(logicalJSON{Type: e.Type, SubExpressions: subs})
	case ExprExact:
		if err := needField(); err != nil {
			return nil, err
		}
		if err := checkValue(e, true); err != nil {
			return nil, err
		}
		return marshalJSON(exactJSON{Type: e.Type, Field: e.Field, Value: e.Value, CaseInsensitive: e.CaseInsensitive, Invert: e.Invert})
	case ExprContains:
		if err := needField(); err != nil {
			return nil, err
		}
		return marshalJSON(containsJSON{Type: e.Type, Field: e.Field, SubString: e.SubString, CaseInsensitive: e.CaseInsensitive, Invert: e.Invert})
	case ExprIsNull, "is_null":
		if err := needField(); err != nil {
			return nil, err
		}
		return marshalJSON(isNullJSON{Type: ExprIsNull, Field: e.Field, Invert: e.Invert})
	case ExprCompare:
		if err := needField(); err != nil {
			return nil, err
		}
		switch e.Operator {
		case OpLess, OpGreater, OpLessEqual, OpGreaterEqual:
		default:
			return nil, fmt.Errorf("filter: compare on %q: operator %q is not one of <, <=, >, >=", e.Field, e.Operator)
		}
		if err := checkValue(e, false); err != nil {
			return nil, err
		}
		return marshalJSON(compareJSON{Type: e.Type, Field: e.Field, Operator: e.Operator, Value: e.Value, Invert: e.Invert})
	}
	return nil, fmt.Errorf("filter: expression type %q is not one of and, or, exact, contains, isnull, compare", e.Type)
}

// checkValue accepts the JSON scalars the server compares with.
func checkValue(e Expression, allowBool bool) error {
	switch v := e.Value.(type) {
	case string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return nil
	case bool:
		if allowBool {
			return nil
		}
	case json.Number:
		if _, err := v.Float64(); err == nil {
			return nil
		}
	case nil:
		return fmt.Errorf("filter: %s on %q has no value (use an isnull expression to match null)", e.Type, e.Field)
	}
	return fmt.Errorf("filter: %s on %q: value of type %T cannot be sent", e.Type, e.Field, e.Value)
}

type orderingJSON struct {
	Field      string `json:"field"`
	Ascending  bool   `json:"ascending"`
	NullsFirst *bool  `json:"nulls_first,omitempty"`
}

// MarshalJSON writes {"field", "ascending", ["nulls_first"]}.
func (o Ordering) MarshalJSON() ([]byte, error) {
	if o.Field == "" {
		return nil, fmt.Errorf("filter: ordering without a field")
	}
	return marshalJSON(orderingJSON(o))
}
