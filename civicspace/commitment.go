package civicspace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// OccasionKind is the kind of event at which a commitment was made.
type OccasionKind string

// The occasion kinds.
const (
	OccasionSummit        OccasionKind = "summit"          // a Summit for Democracy
	OccasionWorkstream    OccasionKind = "workstream"      // a Civic Space Cohort workstream
	OccasionOGPActionPlan OccasionKind = "ogp_action_plan" // an Open Government Partnership national action plan
	OccasionOther         OccasionKind = "other"
)

// occasionKinds lists every occasion kind.
var occasionKinds = []OccasionKind{OccasionSummit, OccasionWorkstream, OccasionOGPActionPlan, OccasionOther}

// Occasion is where and when a commitment was made: for example the second
// Summit for Democracy, a workstream of the Civic Space Cohort, or an OGP
// action plan.
type Occasion struct {
	Kind OccasionKind `json:"kind"`
	Name string       `json:"name"`
	// WorkstreamID is the catalog group (of kind workstream) the
	// commitment came out of: required for a workstream occasion, allowed
	// for any other (a summit pledge drafted in a workstream).
	WorkstreamID string `json:"workstream_id,omitempty"`
	// Date is YYYY-MM-DD.
	Date string `json:"date"`
}

// CommitmentSubject is who made a commitment: one country, or several for
// a joint commitment of the cohort's states.
type CommitmentSubject struct {
	// Countries are ISO 3166-1 alpha-3 codes.
	Countries []string `json:"countries"`
}

// Joint reports whether the commitment was made by several countries
// together.
func (s CommitmentSubject) Joint() bool { return len(s.Countries) > 1 }

// Includes reports whether country (alpha-3) is one of the subject's.
func (s CommitmentSubject) Includes(country string) bool {
	return slices.Contains(s.Countries, country)
}

// Milestone is a step of a commitment with its target date.
type Milestone struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Due is the target date, YYYY-MM-DD: the milestone is overdue from the
	// day after it until it is done.
	Due string `json:"due"`
	// Done is the date it was done, when the commitment records it;
	// progress reports can also report it done (see Progress).
	Done string `json:"done,omitempty"`
}

// Commitment is a state's pledge, made at an occasion, to act on catalog
// recommendations, tracked by a named follow-up process through progress
// reports.
type Commitment struct {
	Subject  CommitmentSubject `json:"subject"`
	Occasion Occasion          `json:"occasion"`
	// Title is a short name for lists; Text is the pledge as made.
	Title string `json:"title,omitempty"`
	Text  string `json:"text"`
	// Recommendations are the catalog recommendations the commitment acts
	// on (at least one); Indicators the catalog indicators that show its
	// progress.
	Recommendations []string `json:"recommendations"`
	Indicators      []string `json:"indicators,omitempty"`
	// FollowUp names the process that tracks the commitment: a follow-up
	// process of the catalog (cod, ogp, oecd for the Civic Space Cohort)
	// or "other:" and its name.
	FollowUp   string      `json:"follow_up"`
	Milestones []Milestone `json:"milestones,omitempty"`
}

// FollowUpOther prefixes a follow-up process the catalog does not name.
const FollowUpOther = "other:"

// GroupKindWorkstream is the kind of catalog group a commitment's occasion
// can name as its workstream.
const GroupKindWorkstream = "workstream"

// MaxCommitmentBytes bounds the size of one commitment or progress report
// document.
const MaxCommitmentBytes = 256 << 10

// DecodeCommitment reads one commitment in its JSON form. Unknown fields
// are errors. A structurally broken document is an EINVALID *Error; a
// well-formed one may still break rules: call Validate.
func DecodeCommitment(r io.Reader) (*Commitment, error) {
	var c Commitment
	if err := decodeStrict(r, "commitment", &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// DecodeProgressReport reads one progress report in its JSON form (the
// fields a reporter gives; the store sets the rest).
func DecodeProgressReport(r io.Reader) (*ProgressReport, error) {
	var p ProgressReport
	if err := decodeStrict(r, "progress report", &p); err != nil {
		return nil, err
	}
	return &p, nil
}

func decodeStrict(r io.Reader, what string, v any) error {
	data, err := io.ReadAll(io.LimitReader(r, MaxCommitmentBytes+1))
	if err != nil {
		return WrapError(EINVALID, err, "%s cannot be read", what)
	}
	if len(data) > MaxCommitmentBytes {
		return Errorf(EINVALID, "%s is larger than %d bytes", what, MaxCommitmentBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &Error{Code: EINVALID, Message: what + " is not valid JSON of the expected shape: " + jsonErrorText(err), Problems: []Problem{{Pointer: jsonErrorPointer(err), Detail: jsonErrorText(err)}}, Err: err}
	}
	if dec.More() {
		return &Error{Code: EINVALID, Message: what + " has trailing data after the JSON object", Problems: []Problem{{Pointer: "", Detail: "trailing data after the JSON object"}}}
	}
	return nil
}

// FollowUpProcesses returns the follow-up processes the catalog's
// frameworks name, each once (the first naming wins), in catalog order.
func (c *Catalog) FollowUpProcesses() []FollowUp {
	var out []FollowUp
	seen := map[string]bool{}
	for _, f := range c.frameworks {
		for _, fu := range f.FollowUp {
			if !seen[fu.ID] {
				seen[fu.ID] = true
				out = append(out, fu)
			}
		}
	}
	return out
}

// Workstreams returns the catalog's groups of kind workstream (the Civic
// Space Cohort's six in the built-in catalog), in catalog order.
func (c *Catalog) Workstreams() []*Group {
	var out []*Group
	for _, f := range c.frameworks {
		walkGroups(f.Groups, func(g *Group) {
			if g.Kind == GroupKindWorkstream {
				out = append(out, g)
			}
		})
	}
	return out
}

// checkDate returns why s is not a YYYY-MM-DD date, or "".
func checkDate(s string) string {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return fmt.Sprintf("%q is not a date (YYYY-MM-DD)", s)
	}
	return ""
}

// Validate checks the commitment against the catalog and the country table
// and returns every problem at once, sorted by pointer. An empty result
// means it can be published.
func (c *Commitment) Validate(cat *Catalog, countries *Countries) []Problem {
	var ps []Problem
	add := func(ptr, format string, args ...any) {
		ps = append(ps, Problem{Pointer: ptr, Detail: fmt.Sprintf(format, args...)})
	}
	if len(c.Subject.Countries) == 0 {
		add("/subject/countries", "name the country that made the commitment (ISO 3166-1 alpha-3), or several for a joint commitment")
	}
	seen := map[string]bool{}
	for i, code := range c.Subject.Countries {
		ptr := fmt.Sprintf("/subject/countries/%d", i)
		switch _, ok := countries.Lookup(code); {
		case !ok:
			add(ptr, "unknown country code %q: use an ISO 3166-1 alpha-3 code such as NOR", code)
		case seen[code]:
			add(ptr, "country %q is listed twice", code)
		}
		seen[code] = true
	}

	o := c.Occasion
	if !slices.Contains(occasionKinds, o.Kind) {
		add("/occasion/kind", "occasion kind must be one of %s, not %q", joinKinds(occasionKinds), o.Kind)
	}
	if strings.TrimSpace(o.Name) == "" {
		add("/occasion/name", "name the occasion, e.g. \"Second Summit for Democracy\"")
	}
	if o.Date == "" {
		add("/occasion/date", "the date the commitment was made is missing (YYYY-MM-DD)")
	} else if d := checkDate(o.Date); d != "" {
		add("/occasion/date", "%s", d)
	}
	switch {
	case o.WorkstreamID == "" && o.Kind == OccasionWorkstream:
		add("/occasion/workstream_id", "a workstream occasion names its workstream (one of %s)", workstreamIDs(cat))
	case o.WorkstreamID != "":
		if g, ok := cat.Group(o.WorkstreamID); !ok || g.Kind != GroupKindWorkstream {
			add("/occasion/workstream_id", "%q is not a workstream of the catalog (one of %s)", o.WorkstreamID, workstreamIDs(cat))
		}
	}

	if strings.TrimSpace(c.Text) == "" {
		add("/text", "the commitment's text is missing: quote the pledge as made")
	}
	if len(c.Recommendations) == 0 {
		add("/recommendations", "link the commitment to at least one catalog recommendation")
	}
	checkIDs(c.Recommendations, "/recommendations", "recommendation", func(id string) bool { _, ok := cat.Recommendation(id); return ok }, add)
	checkIDs(c.Indicators, "/indicators", "indicator", func(id string) bool { _, ok := cat.Indicator(id); return ok }, add)

	switch fu := c.FollowUp; {
	case fu == "":
		add("/follow_up", "name the follow-up process that tracks the commitment: %s, or other:NAME", followUpIDs(cat))
	case strings.HasPrefix(fu, FollowUpOther):
		if strings.TrimSpace(strings.TrimPrefix(fu, FollowUpOther)) == "" {
			add("/follow_up", "give the process's name after %q", FollowUpOther)
		}
	case !slices.ContainsFunc(cat.FollowUpProcesses(), func(f FollowUp) bool { return f.ID == fu }):
		add("/follow_up", "unknown follow-up process %q: use %s, or other:NAME", fu, followUpIDs(cat))
	}

	ids := map[string]bool{}
	for i, m := range c.Milestones {
		ptr := fmt.Sprintf("/milestones/%d", i)
		switch {
		case !idPattern.MatchString(m.ID):
			add(ptr+"/id", "milestone id %q: use lower-case words joined by '.' or '-', e.g. law-drafted", m.ID)
		case ids[m.ID]:
			add(ptr+"/id", "milestone id %q is used twice", m.ID)
		}
		ids[m.ID] = true
		if strings.TrimSpace(m.Title) == "" {
			add(ptr+"/title", "the milestone needs a title")
		}
		if d := checkDate(m.Due); d != "" {
			add(ptr+"/due", "target date %s", d)
		}
		if m.Done != "" {
			if d := checkDate(m.Done); d != "" {
				add(ptr+"/done", "done date %s", d)
			}
		}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pointer < ps[j].Pointer })
	return ps
}

// checkIDs reports unknown and repeated IDs of a list.
func checkIDs(ids []string, ptr, what string, known func(string) bool, add func(ptr, format string, args ...any)) {
	seen := map[string]bool{}
	for i, id := range ids {
		p := fmt.Sprintf("%s/%d", ptr, i)
		switch {
		case !known(id):
			add(p, "unknown %s %q", what, id)
		case seen[id]:
			add(p, "%s %q is listed twice", what, id)
		}
		seen[id] = true
	}
}

func workstreamIDs(cat *Catalog) string {
	var ids []string
	for _, g := range cat.Workstreams() {
		ids = append(ids, g.ID)
	}
	if len(ids) == 0 {
		return "none in this catalog"
	}
	return strings.Join(ids, ", ")
}

func followUpIDs(cat *Catalog) string {
	var ids []string
	for _, f := range cat.FollowUpProcesses() {
		ids = append(ids, f.ID)
	}
	return strings.Join(ids, ", ")
}

func joinKinds[T ~string](ks []T) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// ChangedCommitmentPointers lists the JSON Pointers at which b differs
// from a: each top-level field, and each milestone by its position. It is
// what a commitment revision records as "what changed".
func ChangedCommitmentPointers(a, b *Commitment) []string {
	if a == nil {
		return []string{""}
	}
	var out []string
	diff := func(ptr string, same bool) {
		if !same {
			out = append(out, ptr)
		}
	}
	diff("/subject", slices.Equal(a.Subject.Countries, b.Subject.Countries))
	diff("/occasion", a.Occasion == b.Occasion)
	diff("/title", a.Title == b.Title)
	diff("/text", a.Text == b.Text)
	diff("/recommendations", slices.Equal(a.Recommendations, b.Recommendations))
	diff("/indicators", slices.Equal(a.Indicators, b.Indicators))
	diff("/follow_up", a.FollowUp == b.FollowUp)
	for i := range max(len(a.Milestones), len(b.Milestones)) {
		same := i < len(a.Milestones) && i < len(b.Milestones) && a.Milestones[i] == b.Milestones[i]
		diff(fmt.Sprintf("/milestones/%d", i), same)
	}
	return out
}

// ---- lifecycle ----

// CommitmentTransitions is the lifecycle of a commitment. It is the
// assessments' lifecycle without the review step: a pledge is a public
// fact once made, so it is published directly; a correction is drafted
// while the published revision stays the one readers see.
var CommitmentTransitions = []Transition{
	{ActionPublish, Draft, Published},
	{ActionCorrect, Published, Draft},
	{ActionWithdraw, Published, Withdrawn},
	{ActionReopen, Withdrawn, Draft},
}

// CommitmentStatuses lists the statuses a commitment can be in.
var CommitmentStatuses = []AssessmentStatus{Draft, Published, Withdrawn}

// CommitmentTransitionFor returns the transition an action makes from a
// status, or an error: EINVALID for an action that is no commitment
// lifecycle move, ESTATE for one not allowed from this status.
func CommitmentTransitionFor(from AssessmentStatus, action Action) (Transition, error) {
	var allowed []Action
	for _, t := range CommitmentTransitions {
		if t.From == from {
			if t.Action == action {
				return t, nil
			}
			allowed = append(allowed, t.Action)
		}
	}
	if !slices.ContainsFunc(CommitmentTransitions, func(t Transition) bool { return t.Action == action }) {
		return Transition{}, Errorf(EINVALID, "unknown commitment lifecycle action %q (one of publish, correct, withdraw, reopen)", action)
	}
	return Transition{}, Errorf(ESTATE, "cannot %s a commitment that is %s (allowed: %v)", action, from, allowed)
}

// ---- progress reports ----

// CompletionLevel is how far a commitment has been implemented, on the
// Open Government Partnership Independent Reporting Mechanism's scale.
type CompletionLevel string

// The completion levels. NoEvidence says the reporter could not tell; it is
// not a step of the scale.
const (
	CompletionNoEvidence  CompletionLevel = "no_evidence"
	CompletionNotStarted  CompletionLevel = "not_started"
	CompletionLimited     CompletionLevel = "limited"
	CompletionSubstantial CompletionLevel = "substantial"
	CompletionComplete    CompletionLevel = "complete"
)

// completionLevels lists the levels: no evidence, then the scale from not
// started to complete.
var completionLevels = []CompletionLevel{CompletionNoEvidence, CompletionNotStarted, CompletionLimited, CompletionSubstantial, CompletionComplete}

// Step is the level's position on the scale (not started 0 to complete 3);
// false for no evidence, which has none.
func (l CompletionLevel) Step() (int, bool) {
	switch l {
	case CompletionNotStarted:
		return 0, true
	case CompletionLimited:
		return 1, true
	case CompletionSubstantial:
		return 2, true
	case CompletionComplete:
		return 3, true
	}
	return 0, false
}

// Valid reports whether l is a known level.
func (l CompletionLevel) Valid() bool { return slices.Contains(completionLevels, l) }

// needsEvidence reports whether a report at this level must cite a source:
// any progress claimed is shown, as the IRM requires.
func (l CompletionLevel) needsEvidence() bool {
	s, ok := l.Step()
	return ok && s > 0
}

// ReporterKind is who files a progress report.
type ReporterKind string

// The reporter kinds.
const (
	ReporterGovernment  ReporterKind = "government"  // the committing government on its own commitment
	ReporterIndependent ReporterKind = "independent" // an independent reviewer (a watchdog, the IRM)
)

// reporterKinds lists the reporter kinds.
var reporterKinds = []ReporterKind{ReporterGovernment, ReporterIndependent}

// Reporter is the organisation that filed a progress report.
type Reporter struct {
	Kind         ReporterKind `json:"kind"`
	Organisation string       `json:"organisation"`
}

// ProgressReport is one statement of a commitment's progress at a date.
// Reports are append-only: a report is never changed; a correction is a
// new report that names the one it corrects.
type ProgressReport struct {
	// CommitmentID, Seq (1, 2, ... per commitment), CommitmentVersion (the
	// published revision reported on), CreatedAt and CreatedBy are set by
	// the store.
	CommitmentID      string          `json:"commitment_id,omitempty"`
	Seq               int             `json:"seq,omitempty"`
	CommitmentVersion int             `json:"commitment_version,omitempty"`
	Level             CompletionLevel `json:"level"`
	// Date is the day the report describes, YYYY-MM-DD.
	Date     string     `json:"date"`
	Reporter Reporter   `json:"reporter"`
	Evidence []Evidence `json:"evidence,omitempty"`
	// MilestonesDone are the IDs of the milestones the reporter says are
	// done by Date.
	MilestonesDone []string `json:"milestones_done,omitempty"`
	Comment        string   `json:"comment,omitempty"`
	// Corrects is the Seq of an earlier report of the same reporter kind
	// that this one replaces.
	Corrects  int       `json:"corrects,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	CreatedBy string    `json:"created_by,omitempty"`
}

// Validate checks a report on commitment c at the time now (a report
// cannot describe a day after today) and returns every problem, sorted by
// pointer. Whether Corrects names an earlier report is checked by the
// Service, which reads them.
func (r *ProgressReport) Validate(c *Commitment, now time.Time) []Problem {
	var ps []Problem
	add := func(ptr, format string, args ...any) {
		ps = append(ps, Problem{Pointer: ptr, Detail: fmt.Sprintf(format, args...)})
	}
	if !r.Level.Valid() {
		add("/level", "level must be one of %s, not %q", joinKinds(completionLevels), r.Level)
	}
	if !slices.Contains(reporterKinds, r.Reporter.Kind) {
		add("/reporter/kind", "the reporter is government or independent, not %q", r.Reporter.Kind)
	}
	if strings.TrimSpace(r.Reporter.Organisation) == "" {
		add("/reporter/organisation", "name the organisation that reports")
	}
	switch {
	case r.Date == "":
		add("/date", "the date the report describes is missing (YYYY-MM-DD)")
	case checkDate(r.Date) != "":
		add("/date", "%s", checkDate(r.Date))
	case r.Date > now.UTC().Format(time.DateOnly):
		add("/date", "%s is in the future: report on a day that has passed", r.Date)
	case checkDate(c.Occasion.Date) == "" && r.Date < c.Occasion.Date:
		add("/date", "%s is before the commitment was made (%s)", r.Date, c.Occasion.Date)
	}
	if r.Level.needsEvidence() && len(r.Evidence) == 0 {
		add("/evidence", "a report of %s progress cites at least one source (title, and a URL or date); report no_evidence otherwise", r.Level)
	}
	for i, ev := range r.Evidence {
		for _, p := range checkEvidence(ev) {
			add(fmt.Sprintf("/evidence/%d%s", i, p.Pointer), "%s", p.Detail)
		}
	}
	milestones := map[string]bool{}
	for _, m := range c.Milestones {
		milestones[m.ID] = true
	}
	checkIDs(r.MilestonesDone, "/milestones_done", "milestone", func(id string) bool { return milestones[id] }, add)
	if r.Corrects < 0 {
		add("/corrects", "corrects names a report by its sequence number (1 or more)")
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pointer < ps[j].Pointer })
	return ps
}

// checkEvidence checks one source as assessments do; pointers are relative
// to it.
func checkEvidence(ev Evidence) []Problem {
	var ps []Problem
	if strings.TrimSpace(ev.Title) == "" {
		ps = append(ps, Problem{"/title", "evidence needs a title"})
	}
	if ev.URL != "" {
		if u, err := url.Parse(ev.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			ps = append(ps, Problem{"/url", fmt.Sprintf("evidence URL %q is not an absolute http(s) URL", ev.URL)})
		}
	}
	if ev.Date != "" {
		if _, err := time.Parse(time.DateOnly, ev.Date); err != nil {
			ps = append(ps, Problem{"/date", fmt.Sprintf("evidence date %q is not a date (YYYY-MM-DD)", ev.Date)})
		}
	}
	return ps
}
