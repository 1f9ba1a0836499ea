package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

// The questionnaire form: one question per indicator, its fields named by
// the indicator's ID (catalog IDs are [a-z0-9.-], safe in names and IDs):
//
//	v.ID                    the value (a level, an option, true/false, a number)
//	s.ID                    "" (an answer), not_applicable or unknown
//	c.ID                    the comment, and the reason for a status
//	e.ID.N.title|url|date|excerpt   evidence N (0, 1, ...)

// question is one indicator of the questionnaire with what the form holds.
type question struct {
	Ind      *civicspace.Indicator
	Raw      string // the value as the form shows it
	Status   string
	Comment  string
	Evidence []civicspace.Evidence // the stored ones and one blank row
	Problems []string
	Gov      string // a watchdog's view: the government's published answer
	Answered bool
}

// formAnswers reads the answers of a posted questionnaire for the
// indicators of cat. Values that do not parse are kept as typed (raw) and
// reported in bad, so that nothing typed is lost.
func formAnswers(cat *civicspace.Catalog, form url.Values) (answers map[string]civicspace.Answer, raw map[string]string, bad map[string]string) {
	answers, raw, bad = map[string]civicspace.Answer{}, map[string]string{}, map[string]string{}
	for _, ind := range cat.Indicators() {
		id := ind.ID
		v := strings.TrimSpace(form.Get("v." + id))
		raw[id] = v
		ans := civicspace.Answer{
			Status:   civicspace.AnswerStatus(form.Get("s." + id)),
			Comment:  strings.TrimSpace(form.Get("c." + id)),
			Evidence: formEvidence(form, id),
		}
		if ans.Status == "" && v != "" {
			val, err := parseValue(ind, v)
			if err != nil {
				bad[id] = err.Error()
			}
			ans.Value = val
		}
		if ans.Status == "" && ans.Value.IsZero() && ans.Comment == "" && len(ans.Evidence) == 0 && bad[id] == "" {
			continue // not answered
		}
		answers[id] = ans
	}
	return answers, raw, bad
}

// formEvidence reads the evidence rows of one question, leaving out blank
// rows.
func formEvidence(form url.Values, id string) []civicspace.Evidence {
	var out []civicspace.Evidence
	for i := 0; i < 50; i++ {
		p := fmt.Sprintf("e.%s.%d.", id, i)
		if _, ok := form[p+"title"]; !ok {
			break
		}
		ev := civicspace.Evidence{
			Title:   strings.TrimSpace(form.Get(p + "title")),
			URL:     strings.TrimSpace(form.Get(p + "url")),
			Date:    strings.TrimSpace(form.Get(p + "date")),
			Excerpt: strings.TrimSpace(form.Get(p + "excerpt")),
		}
		if ev != (civicspace.Evidence{}) {
			out = append(out, ev)
		}
	}
	return out
}

// parseValue reads a form value for ind's type.
func parseValue(ind *civicspace.Indicator, s string) (civicspace.Value, error) {
	switch ind.Type {
	case civicspace.TypeBoolean:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return civicspace.Value{}, fmt.Errorf("%q is not yes or no", s)
		}
		return civicspace.BoolValue(b), nil
	case civicspace.TypeChoice:
		return civicspace.OptionValue(s), nil
	default:
		n, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
		if err != nil {
			return civicspace.Value{}, fmt.Errorf("%q is not a number", s)
		}
		return civicspace.NumberValue(n), nil
	}
}

// rawValue is how the form shows a stored value.
func rawValue(v civicspace.Value) string {
	if v.IsZero() {
		return ""
	}
	if s, ok := v.Option(); ok {
		return s
	}
	return strings.Trim(v.String(), `"`)
}

// questionsOf builds the questions of cat for an assessment's answers, the
// form's raw values (nil: from the answers) and the problems by indicator.
func questionsOf(cat *civicspace.Catalog, answers map[string]civicspace.Answer, raw map[string]string, problems map[string][]string) map[string]*question {
	qs := map[string]*question{}
	for _, ind := range cat.Indicators() {
		ans := answers[ind.ID]
		q := &question{Ind: ind, Status: string(ans.Status), Comment: ans.Comment, Problems: problems[ind.ID]}
		q.Raw = rawValue(ans.Value)
		if raw != nil {
			q.Raw = raw[ind.ID]
		}
		q.Answered = ans.Status != "" || !ans.Value.IsZero()
		q.Evidence = append(slices.Clone(ans.Evidence), civicspace.Evidence{})
		qs[ind.ID] = q
	}
	return qs
}

// problemsByIndicator files problems under the indicator their pointer
// names (/answers/ID/...); the rest are the assessment's own.
func problemsByIndicator(ps []civicspace.Problem) (byInd map[string][]string, general []civicspace.Problem) {
	byInd = map[string][]string{}
	for _, p := range ps {
		rest, ok := strings.CutPrefix(p.Pointer, "/answers/")
		if !ok {
			general = append(general, p)
			continue
		}
		id, _, _ := strings.Cut(rest, "/")
		id = strings.ReplaceAll(strings.ReplaceAll(id, "~1", "/"), "~0", "~")
		byInd[id] = append(byInd[id], p.Detail)
	}
	return byInd, general
}
