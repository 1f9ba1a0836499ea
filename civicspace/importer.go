package civicspace

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Bulk import of assessments.
//
// An imported assessment is identified by what it is about and who wrote
// it: its subject, period (its Key: "2025" and "2025-01-01/2025-12-31" are
// one period), kind and author. Importing an
// assessment
//   - creates a draft when no stored assessment has that identity;
//   - leaves it unchanged when the stored one's current content is the
//     same (compared as canonical JSON: the order of keys and the layout
//     of the file do not matter);
//   - updates the stored draft (a new revision; the old one is kept) when
//     the content differs;
//   - refuses when the stored assessment is submitted, published or
//     withdrawn and the content differs: a reviewed assessment is changed
//     by its lifecycle (return, correct, reopen), never overwritten by a
//     file.
//
// So importing the same files twice changes nothing the second time.
// Items whose subject, period, kind or author has a problem are refused,
// since they have no identity; other problems (an unknown indicator, a
// missing evidence) are a draft's work in progress and reported with it.

// ImportItem is one assessment read for import, or why it could not be
// read.
type ImportItem struct {
	// Source says where the item comes from: a file ("a.json"), an element
	// of an array ("a.json#/3"), a line ("a.ndjson:3") or a spreadsheet.
	Source     string
	Assessment *Assessment
	// Err is set when the item could not be read: an *Error whose problems
	// point into the item.
	Err error
}

// ImportOutcome is what importing one item did.
type ImportOutcome string

// The import outcomes.
const (
	ImportCreated   ImportOutcome = "created"
	ImportUpdated   ImportOutcome = "updated"
	ImportUnchanged ImportOutcome = "unchanged"
	ImportRefused   ImportOutcome = "refused"
)

// ImportResult is the outcome of one item.
type ImportResult struct {
	Source  string        `json:"source"`
	Outcome ImportOutcome `json:"outcome"`
	// ID and Version name the stored assessment (not for a refusal that
	// found none).
	ID      string `json:"id,omitempty"`
	Version int    `json:"version,omitempty"`
	// Code and Message say why an item was refused.
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// Problems are, for a refusal, what is wrong; for a created or updated
	// draft, what it must still fix before it can be submitted.
	Problems []Problem `json:"problems,omitempty"`
	// Hints set the answers beside the official figures of the subject
	// for the SDG indicators they measure (see Service.OfficialHints).
	Hints []Problem `json:"hints,omitempty"`
}

// ImportReport sums up an import.
type ImportReport struct {
	Created   int            `json:"created"`
	Updated   int            `json:"updated"`
	Unchanged int            `json:"unchanged"`
	Refused   int            `json:"refused"`
	Results   []ImportResult `json:"results"`
}

// Add counts res and appends it to the results.
func (r *ImportReport) Add(res ImportResult) {
	switch res.Outcome {
	case ImportCreated:
		r.Created++
	case ImportUpdated:
		r.Updated++
	case ImportUnchanged:
		r.Unchanged++
	default:
		r.Refused++
	}
	r.Results = append(r.Results, res)
}

// MaxImportItems bounds the items of one import request over the REST API.
const MaxImportItems = 1000

// ImportAssessments imports items in order as the caller in ctx (see
// PrincipalFromContext): each one is created, updated, left unchanged or
// refused, through CreateAssessment and UpdateAssessment and so under their
// access rules (and recorded in the audit trail as they are). A
// refused item changes nothing and does not stop the others; only a failure
// of the store (EINTERNAL) or a cancelled ctx stops the import, returning
// the report so far. progress, if not nil, is called after each item.
func (s *Service) ImportAssessments(ctx context.Context, items []ImportItem, progress func(done int, res ImportResult)) (*ImportReport, error) {
	if err := s.Permit(ctx, "importAssessments"); err != nil {
		return nil, err
	}
	report := &ImportReport{Results: make([]ImportResult, 0, len(items))}
	// Two items with one identity in one import would overwrite each
	// other, and a second import would change the draft again: the later
	// one is refused.
	first := map[string]string{}
	for i, item := range items {
		if err := ctx.Err(); err != nil {
			return report, err
		}
		var res ImportResult
		var err error
		if a := item.Assessment; item.Err == nil && a != nil {
			id := a.Subject.Key() + "|" + a.Period.Key() + "|" + string(a.Kind) + "|" + a.Author
			if src, dup := first[id]; dup {
				item.Err = Errorf(ECONFLICT, "%s is the same assessment (%s %s %s by %s) as %s in this import: import one of them", item.Source, a.Subject.Key(), a.Period, a.Kind, a.Author, src)
			} else {
				first[id] = item.Source
			}
		}
		res, err = s.importOne(ctx, item)
		if err != nil {
			return report, err
		}
		if res.Outcome != ImportRefused {
			if res.Hints, err = s.OfficialHints(ctx, item.Assessment); err != nil {
				return report, err
			}
		}
		report.Add(res)
		if progress != nil {
			progress(i+1, res)
		}
	}
	return report, nil
}

// identityPointers are the fields that make an imported assessment's
// identity.
var identityPointers = []string{"/subject", "/period", "/kind", "/author"}

// importOne imports one item; the error is for failures that stop the
// import.
func (s *Service) importOne(ctx context.Context, item ImportItem) (ImportResult, error) {
	res := ImportResult{Source: item.Source}
	refuse := func(err error) (ImportResult, error) {
		if ErrorCode(err) == EINTERNAL {
			return res, fmt.Errorf("import %s: %w", item.Source, err)
		}
		res.Outcome, res.Code, res.Message, res.Problems = ImportRefused, ErrorCode(err), ErrorMessage(err), ErrorProblems(err)
		return res, nil
	}
	if item.Err != nil {
		return refuse(item.Err)
	}
	if item.Assessment == nil {
		return refuse(Errorf(EINVALID, "%s holds no assessment", item.Source))
	}
	a := item.Assessment
	problems := s.Validate(a)
	if id := identityProblems(problems); len(id) > 0 {
		return refuse(&Error{Code: EINVALID, Message: "the assessment's subject, period, kind or author is missing or wrong: without them it cannot be matched with what is stored", Problems: id})
	}
	// Whether the caller may write such an assessment at all, before
	// looking for one: a refusal must not tell whether one is stored.
	if err := authorizeWrite(PrincipalFromContext(ctx), ActionCreate, nil, a); err != nil {
		return refuse(err)
	}
	existing, err := s.importedAs(ctx, a)
	if err != nil {
		return refuse(err)
	}
	if existing == nil {
		rec, problems, err := s.CreateAssessment(ctx, a)
		if err != nil {
			return refuse(err)
		}
		res.Outcome, res.ID, res.Version, res.Problems = ImportCreated, rec.ID, rec.Version, problems
		return res, nil
	}
	res.ID, res.Version = existing.ID, existing.Version
	same, err := sameContent(&existing.Assessment, a)
	if err != nil {
		return refuse(err)
	}
	if same {
		res.Outcome, res.Problems = ImportUnchanged, s.Validate(&existing.Assessment)
		return res, nil
	}
	if existing.Status != Draft {
		return refuse(Errorf(ESTATE, "assessment %s (%s %s %s by %s) is %s and differs from this file: it is not overwritten; return, correct or reopen it first",
			existing.ID, a.Subject.Key(), a.Period, a.Kind, a.Author, existing.Status))
	}
	rec, problems, err := s.UpdateAssessment(ctx, existing.ID, existing.Version, a, "import from "+item.Source)
	if err != nil {
		return refuse(err)
	}
	res.Outcome, res.Version, res.Problems = ImportUpdated, rec.Version, problems
	return res, nil
}

// identityProblems keeps the problems of the identity fields.
func identityProblems(problems []Problem) []Problem {
	var out []Problem
	for _, p := range problems {
		for _, ptr := range identityPointers {
			if p.Pointer == ptr || strings.HasPrefix(p.Pointer, ptr+"/") {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// importedAs returns the stored assessment with a's identity, nil if none.
// Two stored assessments with one identity (created one by one, not by
// import) make the import ambiguous: refused, naming both.
func (s *Service) importedAs(ctx context.Context, a *Assessment) (*Record, error) {
	page, err := s.Store.ListAssessments(ctx, AssessmentFilter{
		Country:      a.Subject.Country,
		Organisation: a.Subject.Organisation,
		Period:       a.Period.Key(),
		Kind:         a.Kind,
		Author:       a.Author,
		PageSize:     2,
	})
	if err != nil {
		return nil, err
	}
	switch len(page.Records) {
	case 0:
		return nil, nil
	case 1:
		return page.Records[0], nil
	}
	return nil, Errorf(ECONFLICT, "assessments %s and %s both are %s %s %s by %s: the import cannot tell which one this file is; update one of them directly",
		page.Records[0].ID, page.Records[1].ID, a.Subject.Key(), a.Period, a.Kind, a.Author)
}

// sameContent compares two assessments as canonical JSON.
func sameContent(x, y *Assessment) (bool, error) {
	bx, err := json.Marshal(x)
	if err != nil {
		return false, WrapError(EINTERNAL, err, "encode an assessment")
	}
	by, err := json.Marshal(y)
	if err != nil {
		return false, WrapError(EINVALID, err, "encode an assessment")
	}
	return bytes.Equal(bx, by), nil
}

// ReadAssessments reads the assessments of one JSON document: a single
// assessment, an array of them, or NDJSON (one assessment per line; blank
// lines are skipped). source names the document in each item's Source.
// An item that cannot be read is an item with Err, never a failure of the
// whole document, except when the document is not JSON at all.
func ReadAssessments(data []byte, source string) []ImportItem {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return []ImportItem{{Source: source, Err: Errorf(EINVALID, "%s is empty", source)}}
	case trimmed[0] == '[':
		return readArray(trimmed, source)
	case isNDJSON(trimmed):
		return readLines(data, source)
	}
	a, err := ParseAssessment(trimmed)
	return []ImportItem{{Source: source, Assessment: a, Err: err}}
}

// isNDJSON reports whether data holds more than one line and its first
// line is a complete JSON value (a pretty-printed document's first line,
// "{", is not).
func isNDJSON(data []byte) bool {
	first, rest, ok := bytes.Cut(data, []byte("\n"))
	return ok && len(bytes.TrimSpace(rest)) > 0 && json.Valid(bytes.TrimSpace(first))
}

func readArray(data []byte, source string) []ImportItem {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return []ImportItem{{Source: source, Err: &Error{Code: EINVALID,
			Message:  source + " is not a JSON array of assessments: " + jsonErrorText(err),
			Problems: []Problem{{Pointer: "", Detail: jsonErrorText(err)}}}}}
	}
	items := make([]ImportItem, len(raw))
	for i, r := range raw {
		items[i].Source = fmt.Sprintf("%s#/%d", source, i)
		items[i].Assessment, items[i].Err = parseItem(r)
	}
	return items
}

func readLines(data []byte, source string) []ImportItem {
	var items []ImportItem
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		a, err := parseItem(line)
		items = append(items, ImportItem{Source: fmt.Sprintf("%s:%d", source, n+1), Assessment: a, Err: err})
	}
	return items
}

// parseItem parses one assessment, refusing one over MaxAssessmentBytes.
func parseItem(data []byte) (*Assessment, error) {
	if len(data) > MaxAssessmentBytes {
		return nil, Errorf(EINVALID, "assessment is larger than %d bytes", MaxAssessmentBytes)
	}
	return ParseAssessment(data)
}
