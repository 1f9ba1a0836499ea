package civicspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Kind is who made an assessment and how.
type Kind string

// The assessment kinds.
const (
	KindSelf        Kind = "self"        // a government assessing its own framework
	KindShadow      Kind = "shadow"      // a watchdog's parallel assessment
	KindIndependent Kind = "independent" // an independent reviewer's assessment
)

// Kinds lists every assessment kind.
var Kinds = []Kind{KindSelf, KindShadow, KindIndependent}

// Subject is what an assessment is of: a country (ISO 3166-1 alpha-3) or an
// organisation. Exactly one is set.
type Subject struct {
	Country      string `json:"country,omitempty"`
	Organisation string `json:"organisation,omitempty"`
}

// Key returns a stable identifier of the subject: the alpha-3 code of a
// country or "org:" and the organisation's name.
func (s Subject) Key() string {
	if s.Country != "" {
		return s.Country
	}
	return "org:" + s.Organisation
}

// AnswerStatus marks an answer given without a value.
type AnswerStatus string

// The explicit no-value answers.
const (
	AnswerNotApplicable AnswerStatus = "not_applicable"
	AnswerUnknown       AnswerStatus = "unknown"
)

// Evidence supports an answer.
type Evidence struct {
	Title   string `json:"title"`
	URL     string `json:"url,omitempty"`
	Date    string `json:"date,omitempty"`
	Excerpt string `json:"excerpt,omitempty"`
}

// Value is an answer's typed value: a boolean, a number, or a choice's
// option ID. Its JSON form is the plain JSON value.
type Value struct {
	kind   valueKind
	bool   bool
	number float64
	option string
}

type valueKind uint8

const (
	valueNone valueKind = iota
	valueBool
	valueNumber
	valueString
	valueOther
)

// BoolValue, NumberValue and OptionValue build values.
func BoolValue(b bool) Value            { return Value{kind: valueBool, bool: b} }
func NumberValue(n float64) Value       { return Value{kind: valueNumber, number: n} }
func OptionValue(id string) Value       { return Value{kind: valueString, option: id} }
func (v Value) IsZero() bool            { return v.kind == valueNone }
func (v Value) Bool() (bool, bool)      { return v.bool, v.kind == valueBool }
func (v Value) Number() (float64, bool) { return v.number, v.kind == valueNumber }
func (v Value) Option() (string, bool)  { return v.option, v.kind == valueString }

// Interface returns the value as bool, float64 or string (nil if unset).
func (v Value) Interface() any {
	switch v.kind {
	case valueBool:
		return v.bool
	case valueNumber:
		return v.number
	case valueString:
		return v.option
	}
	return nil
}

// String formats the value as its JSON text.
func (v Value) String() string {
	b, _ := v.MarshalJSON()
	return string(b)
}

// MarshalJSON writes the plain JSON value; numbers in their shortest exact
// form, so equal values always give equal bytes.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.kind {
	case valueBool:
		return strconv.AppendBool(nil, v.bool), nil
	case valueNumber:
		return []byte(FormatNumber(v.number)), nil
	case valueString:
		return json.Marshal(v.option)
	}
	return []byte("null"), nil
}

// UnmarshalJSON reads a boolean, number or string. Other JSON values are
// kept as "other" so that validation can report them with their place.
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*v = Value{}
	case bytes.Equal(b, []byte("true")), bytes.Equal(b, []byte("false")):
		*v = BoolValue(b[0] == 't')
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = OptionValue(s)
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		n, err := strconv.ParseFloat(string(b), 64)
		if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
			*v = Value{kind: valueOther}
			return nil
		}
		*v = NumberValue(n)
	default:
		*v = Value{kind: valueOther}
	}
	return nil
}

// FormatNumber formats a float in its shortest round-tripping decimal form
// without exponent, as JSON output uses everywhere (3, 2.5, 66.7).
func FormatNumber(n float64) string {
	if n == 0 {
		return "0" // no "-0"
	}
	return strconv.FormatFloat(n, 'f', -1, 64)
}

// Answer is the answer to one indicator: a value with evidence and a
// comment, or an explicit status (not applicable, unknown) without a value.
type Answer struct {
	Value  Value        `json:"value,omitzero"`
	Status AnswerStatus `json:"status,omitempty"`
	// Reason says why the question does not apply: required with
	// not_applicable, which is refused for a question about a role the
	// assessment assesses.
	Reason   string     `json:"reason,omitempty"`
	Evidence []Evidence `json:"evidence,omitempty"`
	Comment  string     `json:"comment,omitempty"`
}

// Answered reports whether the answer carries a value.
func (a Answer) Answered() bool { return a.Status == "" && !a.Value.IsZero() }

// Period is the time an assessment covers: a calendar year ("2025") or a
// date range ("2025-01-01/2025-12-31"). Its JSON form is that text.
type Period struct {
	Start, End time.Time
	text       string
}

var yearPattern = regexp.MustCompile(`^[0-9]{4}$`)

// ParsePeriod parses a year or an inclusive date range.
func ParsePeriod(s string) (Period, error) {
	if yearPattern.MatchString(s) {
		y, _ := strconv.Atoi(s)
		return Period{Start: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), text: s}, nil
	}
	from, to, ok := strings.Cut(s, "/")
	if !ok {
		return Period{}, fmt.Errorf("period %q is neither a year (2025) nor a date range (2025-01-01/2025-12-31)", s)
	}
	start, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return Period{}, fmt.Errorf("period start %q is not a date (YYYY-MM-DD)", from)
	}
	end, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return Period{}, fmt.Errorf("period end %q is not a date (YYYY-MM-DD)", to)
	}
	if end.Before(start) {
		return Period{}, fmt.Errorf("period is reversed: it ends (%s) before it starts (%s)", to, from)
	}
	return Period{Start: start, End: end, text: s}, nil
}

// MustPeriod is ParsePeriod for constants; it panics on a bad period.
func MustPeriod(s string) Period {
	p, err := ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the period as written ("2025" or "2025-01-01/2025-12-31").
func (p Period) String() string { return p.text }

// IsZero reports whether the period is unset.
func (p Period) IsZero() bool { return p.text == "" }

// Key is the period's one canonical form, under which stores index
// publications and comparisons match them: the year ("2025") when the
// period covers exactly one calendar year, whether written "2025" or
// "2025-01-01/2025-12-31"; otherwise the date range as start/end
// ("2025-01-01/2025-06-30"). Two periods with one key are the same period:
// a comparison for 2025 finds both, and a subject's latest publication of
// one kind for it is the latest of either. The document keeps the period
// as written.
func (p Period) Key() string {
	if p.Start.IsZero() {
		return p.text
	}
	if p.Start.Year() == p.End.Year() && p.Start.YearDay() == 1 && p.End.Month() == time.December && p.End.Day() == 31 {
		return strconv.Itoa(p.Start.Year())
	}
	return p.Start.Format(time.DateOnly) + "/" + p.End.Format(time.DateOnly)
}

// PeriodKey is the Key of the period s, or s itself when it is not a
// period.
func PeriodKey(s string) string {
	p, err := ParsePeriod(s)
	if err != nil {
		return s
	}
	return p.Key()
}

// Year is the calendar year the period ends in, used to order periods.
func (p Period) Year() int { return p.End.Year() }

// MarshalJSON writes the period's text.
func (p Period) MarshalJSON() ([]byte, error) { return json.Marshal(p.text) }

// UnmarshalJSON keeps the text; an unparsable period is reported by
// Validate with its pointer rather than failing the whole decode.
func (p *Period) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("period must be a string")
	}
	if parsed, err := ParsePeriod(s); err == nil {
		*p = parsed
		return nil
	}
	*p = Period{text: s}
	return nil
}

// Assessment is an assessment of a subject's national framework for a
// period: the public exchange form.
type Assessment struct {
	Subject Subject           `json:"subject"`
	Roles   []Role            `json:"roles"`
	Period  Period            `json:"period"`
	Kind    Kind              `json:"kind"`
	Author  string            `json:"author"`
	Title   string            `json:"title,omitempty"`
	Answers map[string]Answer `json:"answers"`
}

// MaxAssessmentBytes bounds the size of one assessment document.
const MaxAssessmentBytes = 1 << 20

// DecodeAssessment reads one assessment in its JSON exchange form. Unknown
// fields are errors. A structurally broken document is an *Error with code
// EINVALID; a well-formed one may still break rules: call Validate.
func DecodeAssessment(r io.Reader) (*Assessment, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxAssessmentBytes+1))
	if err != nil {
		return nil, WrapError(EINVALID, err, "assessment cannot be read")
	}
	if len(data) > MaxAssessmentBytes {
		return nil, Errorf(EINVALID, "assessment is larger than %d bytes", MaxAssessmentBytes)
	}
	return ParseAssessment(data)
}

// ParseAssessment is DecodeAssessment for a byte slice.
func ParseAssessment(data []byte) (*Assessment, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var a Assessment
	if err := dec.Decode(&a); err != nil {
		return nil, &Error{Code: EINVALID, Message: "assessment is not valid JSON of the expected shape: " + jsonErrorText(err), Problems: []Problem{{Pointer: jsonErrorPointer(err), Detail: jsonErrorText(err)}}, Err: err}
	}
	if dec.More() {
		return nil, &Error{Code: EINVALID, Message: "assessment has trailing data after the JSON object", Problems: []Problem{{Pointer: "", Detail: "trailing data after the JSON object"}}}
	}
	return &a, nil
}

func jsonErrorPointer(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return "/" + strings.ReplaceAll(te.Field, ".", "/")
	}
	return ""
}

func jsonErrorText(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s must be %s, not %s", orDocument(te.Field), jsonTypeName(te.Type.String()), te.Value)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "the JSON document ends unexpectedly"
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("JSON syntax error at byte %d: %v", se.Offset, se)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func orDocument(field string) string {
	if field == "" {
		return "the document"
	}
	return field
}

func jsonTypeName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	// The string types before the objects: they too are named civicspace.X.
	case goType == "string", strings.HasSuffix(goType, "Role"), strings.HasSuffix(goType, "Kind"), strings.HasSuffix(goType, "AnswerStatus"):
		return "a string"
	case strings.HasPrefix(goType, "map"), strings.HasPrefix(goType, "civicspace."), strings.HasPrefix(goType, "struct"):
		return "an object"
	}
	return goType
}

// EncodePointer escapes one JSON Pointer reference token (RFC 6901).
func EncodePointer(token string) string {
	return strings.ReplaceAll(strings.ReplaceAll(token, "~", "~0"), "/", "~1")
}

// Validate checks the assessment against the catalog and the country table
// and returns every problem at once, sorted by pointer. An empty result
// means the assessment can be scored.
func (a *Assessment) Validate(cat *Catalog, countries *Countries) []Problem {
	var ps []Problem
	add := func(ptr, format string, args ...any) {
		ps = append(ps, Problem{Pointer: ptr, Detail: fmt.Sprintf(format, args...)})
	}
	switch {
	case a.Subject.Country != "" && a.Subject.Organisation != "":
		add("/subject", "give either a country or an organisation, not both")
	case a.Subject.Country == "" && a.Subject.Organisation == "":
		add("/subject", "the subject needs a country (ISO 3166-1 alpha-3 code) or an organisation")
	case a.Subject.Country != "":
		if _, ok := countries.Lookup(a.Subject.Country); !ok {
			add("/subject/country", "unknown country code %q: use an ISO 3166-1 alpha-3 code such as NOR, or a user-assigned code XAA-XZZ for demo subjects", a.Subject.Country)
		}
	case strings.TrimSpace(a.Subject.Organisation) == "":
		add("/subject/organisation", "the organisation's name is blank")
	}
	if len(a.Roles) == 0 {
		add("/roles", "name at least one role (%s)", joinRoles(Roles))
	}
	seenRoles := map[Role]bool{}
	for i, r := range a.Roles {
		switch {
		case !r.Valid():
			add(fmt.Sprintf("/roles/%d", i), "unknown role %q (one of %s)", r, joinRoles(Roles))
		case seenRoles[r]:
			add(fmt.Sprintf("/roles/%d", i), "role %q is listed twice", r)
		}
		seenRoles[r] = true
	}
	if a.Period.IsZero() {
		add("/period", "the period is missing: a year (2025) or a date range (2025-01-01/2025-12-31)")
	} else if _, err := ParsePeriod(a.Period.String()); err != nil {
		add("/period", "%v", err)
	}
	if !slices.Contains(Kinds, a.Kind) {
		add("/kind", "kind must be self, shadow or independent, not %q", a.Kind)
	}
	if strings.TrimSpace(a.Author) == "" {
		add("/author", "the author organisation is missing")
	}
	ids := make([]string, 0, len(a.Answers))
	for id := range a.Answers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		ans := a.Answers[id]
		ptr := "/answers/" + EncodePointer(id)
		ind, ok := cat.Indicator(id)
		if !ok {
			add(ptr, "unknown indicator %q", id)
			continue
		}
		switch {
		case ans.Status != "" && !ans.Value.IsZero():
			add(ptr, "give a value or a status (%s, %s), not both", AnswerNotApplicable, AnswerUnknown)
			continue
		case ans.Status != "":
			if ans.Status != AnswerNotApplicable && ans.Status != AnswerUnknown {
				add(ptr+"/status", "status must be %s or %s, not %q", AnswerNotApplicable, AnswerUnknown, ans.Status)
			}
			if ans.Status == AnswerNotApplicable {
				if strings.TrimSpace(ans.Reason) == "" {
					add(ptr+"/reason", "a not_applicable answer needs a reason: say why the question does not apply")
				}
				if asked := askedRoles(ind, a.Roles); len(asked) > 0 {
					add(ptr+"/status", "indicator %q asks about the %s role assessed, so it cannot be not applicable: give a value, or unknown if it is not known", id, joinRoles(asked))
				}
			}
		case ans.Value.IsZero():
			add(ptr, "the answer has neither a value nor a status")
			continue
		default:
			if detail := checkValue(ind, ans.Value); detail != "" {
				add(ptr+"/value", "%s", detail)
			}
			if ind.EvidenceRequired && len(ans.Evidence) == 0 {
				add(ptr+"/evidence", "indicator %q requires evidence: add at least one source (title, and a URL or date)", id)
			}
		}
		for i, ev := range ans.Evidence {
			ep := fmt.Sprintf("%s/evidence/%d", ptr, i)
			if strings.TrimSpace(ev.Title) == "" {
				add(ep+"/title", "evidence needs a title")
			}
			if ev.URL != "" {
				if u, err := url.Parse(ev.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					add(ep+"/url", "evidence URL %q is not an absolute http(s) URL", ev.URL)
				}
			}
			if ev.Date != "" {
				if _, err := time.Parse(time.DateOnly, ev.Date); err != nil {
					add(ep+"/date", "evidence date %q is not a date (YYYY-MM-DD)", ev.Date)
				}
			}
		}
	}
	ps = append(ps, contradictions(cat, a.Answers)...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pointer < ps[j].Pointer })
	return ps
}

// askedRoles returns the roles of roles that ind asks about.
func askedRoles(ind *Indicator, roles []Role) []Role {
	var out []Role
	for _, r := range ind.AsksAbout() {
		if slices.Contains(roles, r) {
			out = append(out, r)
		}
	}
	return out
}

// checkValue returns why v is not a valid answer to ind, or "".
func checkValue(ind *Indicator, v Value) string {
	n, isNum := v.Number()
	switch ind.Type {
	case TypeBoolean:
		if _, ok := v.Bool(); !ok {
			return fmt.Sprintf("indicator %q takes true or false, not %s", ind.ID, describeValue(v))
		}
	case TypeScale:
		if step := ind.Scale.Step; step > 0 {
			if !isNum || math.Abs(math.Round(n/step)*step-n) > 1e-9 {
				return fmt.Sprintf("indicator %q takes a level %d-%d in steps of %s, not %s", ind.ID, ind.Scale.Min, ind.Scale.Max, FormatNumber(step), describeValue(v))
			}
		} else if !isNum || n != math.Trunc(n) {
			return fmt.Sprintf("indicator %q takes an integer level %d-%d, not %s", ind.ID, ind.Scale.Min, ind.Scale.Max, describeValue(v))
		}
		if n < float64(ind.Scale.Min) || n > float64(ind.Scale.Max) {
			return fmt.Sprintf("level %s is out of range: indicator %q takes %d-%d", FormatNumber(n), ind.ID, ind.Scale.Min, ind.Scale.Max)
		}
	case TypeCount:
		if !isNum || n != math.Trunc(n) {
			return fmt.Sprintf("indicator %q takes a whole count (0 or more), not %s", ind.ID, describeValue(v))
		}
		if n < 0 {
			return fmt.Sprintf("count %s is out of range: a count cannot be negative", FormatNumber(n))
		}
		if n > 1e9 {
			return fmt.Sprintf("count %s is out of range: at most 1000000000", FormatNumber(n))
		}
	case TypePercentage:
		if !isNum {
			return fmt.Sprintf("indicator %q takes a percentage 0-100, not %s", ind.ID, describeValue(v))
		}
		if n < 0 || n > 100 {
			return fmt.Sprintf("percentage %s is out of range 0-100", FormatNumber(n))
		}
	case TypeChoice:
		id, ok := v.Option()
		if !ok {
			return fmt.Sprintf("indicator %q takes one of the option ids %s, not %s", ind.ID, optionIDs(ind), describeValue(v))
		}
		if _, ok := ind.Option(id); !ok {
			return fmt.Sprintf("%q is not an option of indicator %q (one of %s)", id, ind.ID, optionIDs(ind))
		}
	}
	return ""
}

func optionIDs(ind *Indicator) string {
	ids := make([]string, len(ind.Options))
	for i, o := range ind.Options {
		ids[i] = o.ID
	}
	return strings.Join(ids, ", ")
}

func describeValue(v Value) string {
	switch v.kind {
	case valueBool:
		return "a boolean"
	case valueNumber:
		return "the number " + FormatNumber(v.number)
	case valueString:
		return fmt.Sprintf("the text %q", v.option)
	}
	return "an array, object or invalid number"
}

func joinRoles(rs []Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// AppliesTo reports whether a recommendation counts for this assessment.
func (a *Assessment) AppliesTo(r *Recommendation) bool { return r.AppliesTo(a.Roles) }

// ChangedPointers lists the JSON Pointers at which b differs from a: the
// top-level fields and each answer added, removed or changed. It is what a
// revision records as "what changed".
func ChangedPointers(a, b *Assessment) []string {
	var out []string
	if a == nil {
		return []string{""}
	}
	if a.Subject != b.Subject {
		out = append(out, "/subject")
	}
	if !slices.Equal(a.Roles, b.Roles) {
		out = append(out, "/roles")
	}
	if a.Period.String() != b.Period.String() {
		out = append(out, "/period")
	}
	if a.Kind != b.Kind {
		out = append(out, "/kind")
	}
	if a.Author != b.Author {
		out = append(out, "/author")
	}
	if a.Title != b.Title {
		out = append(out, "/title")
	}
	keys := map[string]bool{}
	for k := range a.Answers {
		keys[k] = true
	}
	for k := range b.Answers {
		keys[k] = true
	}
	var changed []string
	for k := range keys {
		x, inA := a.Answers[k]
		y, inB := b.Answers[k]
		if inA != inB || !answersEqual(x, y) {
			changed = append(changed, "/answers/"+EncodePointer(k))
		}
	}
	sort.Strings(changed)
	return append(out, changed...)
}

func answersEqual(x, y Answer) bool {
	return x.Value == y.Value && x.Status == y.Status && x.Comment == y.Comment && slices.Equal(x.Evidence, y.Evidence)
}
