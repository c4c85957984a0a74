package refserver

import (
	"strconv"
	"strings"
	"unicode"
)

// The CUDA version is a DecimalField(max_digits=4, decimal_places=1). The
// backend reads it with Python's decimal module in two ways: DRF's serializer
// field on create and update (Decimal of the value's text, then a precision
// check), and Django's model field in lookups (an image's cuda_version, list
// filters), which reads a JSON float through a context of 4 significant
// digits and never rounds to the column's one decimal place.

// pyDec is a finite decimal as Python's Decimal.as_tuple() gives it: the
// digits without leading zeros (at least one) and the exponent.
type pyDec struct {
	neg    bool
	digits string
	exp    int
}

// maxPyExp bounds the exponents read: any larger one fails every precision
// check anyway, and it keeps the arithmetic far from overflow.
const maxPyExp = 1 << 30

// parsePyDecimal reads text as Python's Decimal() does, except that the
// infinities and NaNs (which the backend refuses as "not a valid number")
// are not numbers here: surrounding whitespace is ignored, every underscore
// is dropped, any Unicode decimal digit counts, and the forms "1.", ".5"
// and "1e3" are numbers.
func parsePyDecimal(s string) (pyDec, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	var d pyDec
	if s != "" && (s[0] == '+' || s[0] == '-') {
		d.neg, s = s[0] == '-', s[1:]
	}
	mant, expText, hasExp := strings.Cut(strings.ToLower(s), "e")
	whole, frac, _ := strings.Cut(mant, ".")
	whole, ok1 := asciiDigits(whole)
	frac, ok2 := asciiDigits(frac)
	if !ok1 || !ok2 || whole+frac == "" {
		return pyDec{}, false
	}
	if hasExp {
		e, ok := pyExponent(expText)
		if !ok {
			return pyDec{}, false
		}
		d.exp = e
	}
	d.exp -= len(frac)
	d.digits = strings.TrimLeft(whole+frac, "0")
	if d.digits == "" {
		d.digits = "0"
	}
	return d, true
}

// pyExponent reads an exponent: an optional sign and at least one digit.
func pyExponent(s string) (int, bool) {
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	digits, ok := asciiDigits(s)
	if !ok || digits == "" {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n > maxPyExp {
		n = maxPyExp
	}
	if neg {
		n = -n
	}
	return n, true
}

// asciiDigits maps a run of Unicode decimal digits to ASCII; ok is false for
// anything else. Unicode keeps every script's digits in runs of ten from its
// zero, so a digit's value is its distance from the run's start, modulo ten.
func asciiDigits(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case unicode.IsDigit(r):
			n := 0
			for unicode.IsDigit(r - rune(n+1)) {
				n++
			}
			b.WriteByte(byte('0' + n%10))
		default:
			return "", false
		}
	}
	return b.String(), true
}

// float is the decimal's value.
func (d pyDec) float() float64 {
	f, _ := strconv.ParseFloat(d.digits+"e"+strconv.Itoa(d.exp), 64)
	if d.neg {
		f = -f
	}
	return f
}

// cudaPrecision is DRF's DecimalField.validate_precision for max_digits=4,
// decimal_places=1: its message, or "" when the value fits.
func (d pyDec) cudaPrecision() string {
	n := len(d.digits)
	var total, whole, places int
	switch {
	case d.exp >= 0:
		total, whole = n+d.exp, n+d.exp
	case n > -d.exp:
		total, whole, places = n, n+d.exp, -d.exp
	default:
		total, places = -d.exp, -d.exp
	}
	switch {
	case total > 4:
		return "Ensure that there are no more than 4 digits in total."
	case places > 1:
		return "Ensure that there are no more than 1 decimal places."
	case whole > 3:
		return "Ensure that there are no more than 3 digits before the decimal point."
	}
	return ""
}

// oneDecimal formats a value that passed cudaPrecision as DRF returns it
// after quantizing to one place ("987.0", "0.5"). Zero has no sign: the
// column keeps none, so a read gives "0.0" (the create's own answer would say
// "-0.0" for "-0", but the seed's 0.0 makes that a duplicate).
func (d pyDec) oneDecimal() string {
	digits := d.digits
	if d.exp >= 0 {
		digits += strings.Repeat("0", d.exp) + "0"
	}
	if len(digits) < 2 {
		digits = "0" + digits
	}
	intPart := strings.TrimLeft(digits[:len(digits)-1], "0")
	if intPart == "" {
		intPart = "0"
	}
	text := intPart + "." + digits[len(digits)-1:]
	if d.neg && strings.Trim(d.digits, "0") != "" {
		text = "-" + text
	}
	return text
}

// parseCUDAVersion is DRF's DecimalField(max_digits=4, decimal_places=1) on
// a request value's text: the version's serialised form and value, or the
// field's message.
func parseCUDAVersion(text string) (string, float64, string) {
	if len(strings.TrimSpace(text)) > 1000 {
		return "", 0, "String value too large."
	}
	d, ok := parsePyDecimal(text)
	if !ok {
		return "", 0, msgNotNumber
	}
	if msg := d.cudaPrecision(); msg != "" {
		return "", 0, msg
	}
	return d.oneDecimal(), d.float(), ""
}

// decimalLookup is the value Django's DecimalField(max_digits=4) looks rows
// up by: a JSON float through a 4-digit context (create_decimal_from_float),
// anything else through Decimal() of its text. ok is false where Django
// answers that the value must be a decimal number.
func decimalLookup(raw []byte) (float64, bool) {
	switch pyType(raw) {
	case "float":
		f, err := strconv.ParseFloat(strings.TrimSpace(string(raw)), 64)
		if err != nil {
			return 0, false // json.loads reads it as inf: not finite
		}
		f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'e', 3, 64), 64)
		return f, true
	case "bool":
		// Decimal(True) is 1.
		if strings.HasPrefix(strings.TrimSpace(string(raw)), "t") {
			return 1, true
		}
		return 0, true
	}
	d, ok := parsePyDecimal(pyStr(raw))
	return d.float(), ok
}
