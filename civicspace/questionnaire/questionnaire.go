package questionnaire

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

// The sheets of the XLSX questionnaire. Their names are not translated:
// they are how a filled questionnaire is read back, in any language.
const (
	SheetInstructions = "Instructions"
	SheetAssessment   = "Assessment"
	SheetQuestions    = "Questions"
)

// The columns of the Questions sheet (and of the CSV questionnaire), in
// order: the hidden indicator ID, what the official reads, what the
// official fills in (answer to comment), and the reference text.
const (
	colID        = "id"
	colTopic     = "topic"
	colQuestion  = "question"
	colAnswer    = "answer"
	colStatus    = "status"
	colReason    = "reason"
	colEvTitle   = "evidence_title"
	colEvURL     = "evidence_url"
	colEvDate    = "evidence_date"
	colEvExcerpt = "evidence_excerpt"
	colComment   = "comment"
	colHow       = "how"
	colGuidance  = "guidance"
	colRecs      = "recommendations"
)

var columns = []string{colID, colTopic, colQuestion, colAnswer, colStatus, colReason,
	colEvTitle, colEvURL, colEvDate, colEvExcerpt, colComment, colHow, colGuidance, colRecs}

// editable are the columns an official fills in.
var editable = []string{colAnswer, colStatus, colReason, colEvTitle, colEvURL, colEvDate, colEvExcerpt, colComment}

// The fields of the Assessment sheet (in the CSV, rows whose ID is
// "@" and the field).
const (
	fieldSubject = "subject"
	fieldRoles   = "roles"
	fieldPeriod  = "period"
	fieldKind    = "kind"
	fieldAuthor  = "author"
	fieldTitle   = "title"
)

var fields = []string{fieldSubject, fieldRoles, fieldPeriod, fieldKind, fieldAuthor, fieldTitle}

// column returns the spreadsheet letter of a column key (A for the ID).
func column(key string) string {
	return string(rune('A' + slices.Index(columns, key)))
}

// Options say whom and what a questionnaire is for. Subject and Roles
// select and prefill; the other fields only prefill the Assessment sheet.
type Options struct {
	// Lang is the language of the labels and, where translated, of the
	// catalog's text: en (the default), fr or es.
	Lang    string
	Subject civicspace.Subject
	// Roles select the questions: an indicator is asked when one of the
	// recommendations it measures addresses one of the roles. None means
	// every indicator.
	Roles  []civicspace.Role
	Period string
	Kind   civicspace.Kind
	Author string
	Title  string
}

func (o Options) labels() (labels, error) {
	lang := o.Lang
	if lang == "" {
		lang = "en"
	}
	l, ok := allLabels[lang]
	if !ok {
		return labels{}, civicspace.Errorf(civicspace.EINVALID, "no questionnaire in %q: use %s", lang, strings.Join(Languages, ", "))
	}
	return l, nil
}

func (o Options) fieldValues() map[string]string {
	roles := make([]string, len(o.Roles))
	for i, r := range o.Roles {
		roles[i] = string(r)
	}
	subject := o.Subject.Country
	if o.Subject.Organisation != "" {
		subject = "org:" + o.Subject.Organisation
	}
	kind := o.Kind
	if kind == "" {
		kind = civicspace.KindSelf
	}
	return map[string]string{fieldSubject: subject, fieldRoles: strings.Join(roles, ", "), fieldPeriod: o.Period,
		fieldKind: string(kind), fieldAuthor: o.Author, fieldTitle: o.Title}
}

// question is one row to write: an indicator and its reference cells.
type question struct {
	ind   *civicspace.Indicator
	cells map[string]string
}

// questions returns the indicators asked of roles (all for none), grouped
// by topic in the catalog's order of topics, each with the text of its
// reference columns from cat (which may be localised).
func questions(cat *civicspace.Catalog, roles []civicspace.Role, l labels) []question {
	var topics []string
	byTopic := map[string][]question{}
	for _, ind := range cat.Indicators() {
		if len(roles) > 0 && !asked(cat, ind, roles) {
			continue
		}
		if _, ok := byTopic[ind.Topic]; !ok {
			topics = append(topics, ind.Topic)
		}
		byTopic[ind.Topic] = append(byTopic[ind.Topic], question{ind: ind, cells: map[string]string{
			colID:       ind.ID,
			colTopic:    strings.ReplaceAll(ind.Topic, "_", " "),
			colQuestion: ind.Question,
			colHow:      howToAnswer(ind, l),
			colGuidance: ind.Guidance,
			colRecs:     recommendations(cat, ind),
		}})
	}
	var out []question
	for _, t := range topics {
		out = append(out, byTopic[t]...)
	}
	return out
}

func asked(cat *civicspace.Catalog, ind *civicspace.Indicator, roles []civicspace.Role) bool {
	for _, r := range cat.RecommendationsFor(ind.ID) {
		if r.AppliesTo(roles) {
			return true
		}
	}
	return false
}

// recommendations names what an indicator measures: "SDG 16.10.2; OECD DAC 1.3".
func recommendations(cat *civicspace.Catalog, ind *civicspace.Indicator) string {
	var names []string
	for _, r := range cat.RecommendationsFor(ind.ID) {
		fw := r.Framework()
		name := fw.ShortTitle
		if name == "" {
			name = fw.ID
		}
		names = append(names, name+" "+r.Number)
	}
	return strings.Join(names, "; ")
}

// howToAnswer describes the answer an indicator takes, with the scale's
// levels or the options, one a line.
func howToAnswer(ind *civicspace.Indicator, l labels) string {
	switch ind.Type {
	case civicspace.TypeBoolean:
		return l.yesNo
	case civicspace.TypeCount:
		return l.wholeNumber
	case civicspace.TypePercentage:
		return l.percentage
	case civicspace.TypeScale:
		var b strings.Builder
		fmt.Fprintf(&b, "%s %d-%d:", l.levels, ind.Scale.Min, ind.Scale.Max)
		for _, lv := range ind.Scale.Levels {
			fmt.Fprintf(&b, "\n%d", lv.Value)
			if lv.Label != "" {
				fmt.Fprintf(&b, " %s", lv.Label)
			}
			fmt.Fprintf(&b, ": %s", lv.Description)
		}
		return b.String()
	case civicspace.TypeChoice:
		var b strings.Builder
		b.WriteString(l.oneOf + ":")
		for _, o := range ind.Options {
			fmt.Fprintf(&b, "\n%s: %s", o.ID, o.Label)
		}
		return b.String()
	}
	return ""
}

// choices are the values of an indicator's drop-down list (nil for a
// number).
func choices(ind *civicspace.Indicator) []string {
	switch ind.Type {
	case civicspace.TypeBoolean:
		return []string{"yes", "no"}
	case civicspace.TypeScale:
		var out []string
		for v := ind.Scale.Min; v <= ind.Scale.Max; v++ {
			out = append(out, strconv.Itoa(v))
		}
		return out
	case civicspace.TypeChoice:
		out := make([]string, len(ind.Options))
		for i, o := range ind.Options {
			out[i] = o.ID
		}
		return out
	}
	return nil
}

var statuses = []string{string(civicspace.AnswerNotApplicable), string(civicspace.AnswerUnknown)}
