package civicspace

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// PublishedCommitment is a commitment as readers see it: its published
// revision and its progress reports.
type PublishedCommitment struct {
	Revision *CommitmentRevision
	Reports  []*ProgressReport
}

// CompletionUnreported is the LevelCount row of the commitments with no
// report in force of a kind.
const CompletionUnreported = "unreported"

// CommitmentCounts counts a set of commitments.
type CommitmentCounts struct {
	Commitments int `json:"commitments"`
	// Joint counts those made by several countries together.
	Joint int `json:"joint"`
	// Reported counts those with a government report in force, Reviewed
	// those with an independent review, Disagreements those whose two
	// differ.
	Reported          int `json:"reported"`
	Reviewed          int `json:"reviewed"`
	Disagreements     int `json:"disagreements"`
	Milestones        int `json:"milestones"`
	MilestonesDone    int `json:"milestones_done"`
	MilestonesOverdue int `json:"milestones_overdue"`
}

// LevelCount counts commitments at one completion level (or unreported),
// by the government's latest report and by the latest independent review.
type LevelCount struct {
	Level       string `json:"level"`
	Government  int    `json:"government"`
	Independent int    `json:"independent"`
}

// CommitmentRow is one commitment in a summary: its published revision's
// identity and where it stands.
type CommitmentRow struct {
	ID              string   `json:"id"`
	Version         int      `json:"version"`
	Title           string   `json:"title"`
	Countries       []string `json:"countries"`
	Occasion        Occasion `json:"occasion"`
	FollowUp        string   `json:"follow_up"`
	Recommendations []string `json:"recommendations"`
	// Government and Independent are the levels of the latest reports in
	// force ("" when none), with their dates.
	Government      CompletionLevel `json:"government,omitempty"`
	GovernmentDate  string          `json:"government_date,omitempty"`
	Independent     CompletionLevel `json:"independent,omitempty"`
	IndependentDate string          `json:"independent_date,omitempty"`
	Disagreement    *LevelGap       `json:"disagreement"`
	Milestones      int             `json:"milestones"`
	MilestonesDone  int             `json:"milestones_done"`
	Overdue         int             `json:"milestones_overdue"`
	// NextDue is the earliest target date of a milestone not yet done.
	NextDue string `json:"next_due,omitempty"`
}

// OverdueMilestone is a milestone past its target date and not done.
type OverdueMilestone struct {
	Commitment  string `json:"commitment"`
	Milestone   string `json:"milestone"`
	Title       string `json:"title"`
	Due         string `json:"due"`
	DaysOverdue int    `json:"days_overdue"`
}

// RecommendationLatest is a recommendation's status in the latest
// published, scored assessment of one kind.
type RecommendationLatest struct {
	Kind         Kind     `json:"kind"`
	Period       string   `json:"period"`
	AssessmentID string   `json:"assessment_id"`
	Version      int      `json:"version"`
	Status       string   `json:"status"`
	Score        *float64 `json:"score"`
	Coverage     *float64 `json:"coverage"`
}

// LinkedRecommendation is a recommendation a country's commitments link
// to, with what its assessments say of it now.
type LinkedRecommendation struct {
	ID          string   `json:"id"`
	Framework   string   `json:"framework"`
	Title       string   `json:"title"`
	Commitments []string `json:"commitments"`
	// Latest has one entry per assessment kind (self, shadow,
	// independent) with a scored publication: its latest period's.
	Latest []RecommendationLatest `json:"latest"`
}

// CountryCommitmentSummary is where a country's commitments stand: by
// completion level, overdue milestones, and the linked recommendations'
// latest statuses from its assessments.
type CountryCommitmentSummary struct {
	Country         string                 `json:"country"`
	Name            string                 `json:"name"`
	AsOf            string                 `json:"as_of"`
	Counts          CommitmentCounts       `json:"counts"`
	Levels          []LevelCount           `json:"levels"`
	Commitments     []CommitmentRow        `json:"commitments"`
	Overdue         []OverdueMilestone     `json:"overdue_milestones"`
	Recommendations []LinkedRecommendation `json:"recommendations"`
	// Warnings are the aims the published commitments exceed that count
	// one of this country's commitments.
	Warnings []AimWarning `json:"warnings"`
}

// WorkstreamCommitments is where the commitments made in one workstream
// stand.
type WorkstreamCommitments struct {
	ID        string           `json:"id"`
	Number    string           `json:"number,omitempty"`
	Title     string           `json:"title"`
	Framework string           `json:"framework"`
	Lead      *Lead            `json:"lead,omitempty"`
	Counts    CommitmentCounts `json:"counts"`
	Levels    []LevelCount     `json:"levels"`
	// Countries are the countries with a commitment here; Recommendations
	// the distinct recommendations the commitments link to.
	Countries       []string        `json:"countries"`
	Recommendations []string        `json:"recommendations"`
	Commitments     []CommitmentRow `json:"commitments"`
	Warnings        []AimWarning    `json:"warnings"`
}

// WorkstreamCommitmentSummary covers every workstream of the catalog (the
// Civic Space Cohort's six), with or without commitments.
type WorkstreamCommitmentSummary struct {
	AsOf        string                  `json:"as_of"`
	Workstreams []WorkstreamCommitments `json:"workstreams"`
	// Warnings are every aim the published commitments exceed.
	Warnings []AimWarning `json:"warnings"`
}

// FollowUpCommitments is where the commitments one follow-up process
// tracks stand.
type FollowUpCommitments struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Catalog is true for a process the catalog names; false for an
	// "other:" one.
	Catalog     bool             `json:"catalog"`
	Counts      CommitmentCounts `json:"counts"`
	Levels      []LevelCount     `json:"levels"`
	Countries   []string         `json:"countries"`
	Commitments []CommitmentRow  `json:"commitments"`
}

// FollowUpCommitmentSummary covers every follow-up process of the catalog,
// with or without commitments, then the other processes commitments name.
type FollowUpCommitmentSummary struct {
	AsOf      string                `json:"as_of"`
	Processes []FollowUpCommitments `json:"processes"`
}

// tally accumulates rows into counts and levels.
type tally struct {
	counts    CommitmentCounts
	govt, ind map[string]int
	countries map[string]bool
	rows      []CommitmentRow
}

func newTally() *tally {
	return &tally{govt: map[string]int{}, ind: map[string]int{}, countries: map[string]bool{}, rows: []CommitmentRow{}}
}

func (t *tally) add(pc PublishedCommitment, row CommitmentRow) {
	c := &pc.Revision.Commitment
	t.counts.Commitments++
	if c.Subject.Joint() {
		t.counts.Joint++
	}
	if row.Government != "" {
		t.counts.Reported++
	}
	if row.Independent != "" {
		t.counts.Reviewed++
	}
	if row.Disagreement != nil {
		t.counts.Disagreements++
	}
	t.counts.Milestones += row.Milestones
	t.counts.MilestonesDone += row.MilestonesDone
	t.counts.MilestonesOverdue += row.Overdue
	t.govt[cmp.Or(string(row.Government), CompletionUnreported)]++
	t.ind[cmp.Or(string(row.Independent), CompletionUnreported)]++
	for _, k := range c.Subject.Countries {
		t.countries[k] = true
	}
	t.rows = append(t.rows, row)
}

func (t *tally) levels() []LevelCount {
	out := make([]LevelCount, 0, len(completionLevels)+1)
	for _, l := range append(levelNames(), CompletionUnreported) {
		out = append(out, LevelCount{Level: l, Government: t.govt[l], Independent: t.ind[l]})
	}
	return out
}

func levelNames() []string {
	out := make([]string, len(completionLevels))
	for i, l := range completionLevels {
		out[i] = string(l)
	}
	return out
}

// commitmentRow summarises one commitment from its progress.
func commitmentRow(pc PublishedCommitment, p *CommitmentProgress) CommitmentRow {
	rev := pc.Revision
	c := &rev.Commitment
	row := CommitmentRow{
		ID:              rev.CommitmentID,
		Version:         rev.Version,
		Title:           commitmentTitle(c),
		Countries:       slices.Clone(c.Subject.Countries),
		Occasion:        c.Occasion,
		FollowUp:        c.FollowUp,
		Recommendations: slices.Clone(c.Recommendations),
		Disagreement:    p.Disagreement,
		Milestones:      len(p.Milestones),
		Overdue:         p.Overdue,
	}
	if g := p.Government; g != nil {
		row.Government, row.GovernmentDate = g.Level, g.Date
	}
	if i := p.Independent; i != nil {
		row.Independent, row.IndependentDate = i.Level, i.Date
	}
	for _, m := range p.Milestones {
		switch {
		case m.DoneOn != "":
			row.MilestonesDone++
		case row.NextDue == "" || m.Due < row.NextDue:
			row.NextDue = m.Due
		}
	}
	return row
}

// commitmentTitle is the commitment's title, or the start of its text.
func commitmentTitle(c *Commitment) string {
	if c.Title != "" {
		return c.Title
	}
	const limit = 80
	text := strings.Join(strings.Fields(c.Text), " ")
	if r := []rune(text); len(r) > limit {
		return strings.TrimSpace(string(r[:limit-1])) + "…"
	}
	return text
}

// summariseCountry summarises the commitments of country (alpha-3) among
// items, joint ones included, on the day of now. obs are the country's
// recommendation-level observations (see AssessmentStore.Observations),
// from which each linked recommendation's latest status per assessment
// kind is taken. Warnings are those of aims the whole set exceeds that
// count one of the country's commitments.
func summariseCountry(cat *Catalog, countries *Countries, country string, items []PublishedCommitment, obs []Observation, now time.Time) (*CountryCommitmentSummary, error) {
	k, ok := countries.Lookup(country)
	if !ok {
		return nil, Errorf(EINVALID, "unknown country code %q: use an ISO 3166-1 alpha-3 code such as NOR", country)
	}
	s := &CountryCommitmentSummary{Country: country, Name: k.Name, AsOf: now.UTC().Format(time.DateOnly),
		Overdue: []OverdueMilestone{}, Recommendations: []LinkedRecommendation{}, Warnings: []AimWarning{}}
	t := newTally()
	linked := map[string][]string{}
	var recOrder []string
	var set []*CommitmentRevision
	mine := map[string]bool{}
	for _, pc := range items {
		set = append(set, pc.Revision)
		c := &pc.Revision.Commitment
		if !c.Subject.Includes(country) {
			continue
		}
		id := pc.Revision.CommitmentID
		mine[id] = true
		p := Progress(c, pc.Reports, now)
		t.add(pc, commitmentRow(pc, p))
		for _, m := range p.Milestones {
			if m.Overdue {
				s.Overdue = append(s.Overdue, OverdueMilestone{Commitment: id, Milestone: m.ID, Title: m.Title, Due: m.Due, DaysOverdue: m.DaysOverdue})
			}
		}
		for _, r := range c.Recommendations {
			if _, seen := linked[r]; !seen {
				recOrder = append(recOrder, r)
			}
			if !slices.Contains(linked[r], id) {
				linked[r] = append(linked[r], id)
			}
		}
	}
	s.Counts, s.Levels, s.Commitments = t.counts, t.levels(), t.rows
	slices.SortStableFunc(s.Overdue, func(a, b OverdueMilestone) int { return cmp.Compare(a.Due, b.Due) })

	latest := latestByRecommendation(country, obs)
	for _, id := range recOrder {
		lr := LinkedRecommendation{ID: id, Commitments: linked[id], Latest: latest[id]}
		if r, ok := cat.Recommendation(id); ok {
			lr.Framework, lr.Title = r.Framework().ID, r.Title
		}
		if lr.Latest == nil {
			lr.Latest = []RecommendationLatest{}
		}
		s.Recommendations = append(s.Recommendations, lr)
	}
	for _, w := range AimWarnings(cat, set) {
		if slices.ContainsFunc(w.Commitments, func(id string) bool { return mine[id] }) {
			s.Warnings = append(s.Warnings, w)
		}
	}
	return s, nil
}

// latestByRecommendation keeps, for each recommendation and assessment
// kind, the observation of the latest period, ordered by kind.
func latestByRecommendation(country string, obs []Observation) map[string][]RecommendationLatest {
	best := map[string]map[Kind]Observation{}
	for _, o := range obs {
		if o.Level != LevelRecommendation || o.Country != country {
			continue
		}
		byKind := best[o.ItemID]
		if byKind == nil {
			byKind = map[Kind]Observation{}
			best[o.ItemID] = byKind
		}
		if cur, ok := byKind[o.Kind]; !ok || comparePeriods(o.Period, cur.Period) > 0 {
			byKind[o.Kind] = o
		}
	}
	out := map[string][]RecommendationLatest{}
	for id, byKind := range best {
		var ls []RecommendationLatest
		for _, o := range byKind {
			ls = append(ls, RecommendationLatest{Kind: o.Kind, Period: o.Period, AssessmentID: o.AssessmentID, Version: o.Version,
				Status: o.Status, Score: cloneFloat(o.Score), Coverage: cloneFloat(o.Coverage)})
		}
		slices.SortFunc(ls, func(a, b RecommendationLatest) int { return cmp.Compare(kindIndex(a.Kind), kindIndex(b.Kind)) })
		out[id] = ls
	}
	return out
}

// summariseWorkstreams summarises items by the workstream their occasion
// names, for every workstream of the catalog, on the day of now.
// Commitments made outside any workstream are not counted here.
func summariseWorkstreams(cat *Catalog, items []PublishedCommitment, now time.Time) *WorkstreamCommitmentSummary {
	s := &WorkstreamCommitmentSummary{AsOf: now.UTC().Format(time.DateOnly), Workstreams: []WorkstreamCommitments{}}
	var set []*CommitmentRevision
	for _, pc := range items {
		set = append(set, pc.Revision)
	}
	s.Warnings = AimWarnings(cat, set)
	for _, g := range cat.Workstreams() {
		t := newTally()
		recs := map[string]bool{}
		for _, pc := range items {
			c := &pc.Revision.Commitment
			if c.Occasion.WorkstreamID != g.ID {
				continue
			}
			t.add(pc, commitmentRow(pc, Progress(c, pc.Reports, now)))
			for _, r := range c.Recommendations {
				recs[r] = true
			}
		}
		ws := WorkstreamCommitments{ID: g.ID, Number: g.Number, Title: g.Title, Framework: g.Framework().ID, Lead: g.Lead,
			Counts: t.counts, Levels: t.levels(), Countries: sortedKeys(t.countries), Recommendations: sortedKeys(recs),
			Commitments: t.rows, Warnings: []AimWarning{}}
		for _, w := range s.Warnings {
			if w.Group == g.ID {
				ws.Warnings = append(ws.Warnings, w)
			}
		}
		s.Workstreams = append(s.Workstreams, ws)
	}
	return s
}

// summariseFollowUp summarises items by the follow-up process that tracks
// them, on the day of now: every process of the catalog, in catalog order,
// then the "other:" processes commitments name, by name.
func summariseFollowUp(cat *Catalog, items []PublishedCommitment, now time.Time) *FollowUpCommitmentSummary {
	s := &FollowUpCommitmentSummary{AsOf: now.UTC().Format(time.DateOnly), Processes: []FollowUpCommitments{}}
	var ids []string
	names := map[string]string{}
	for _, f := range cat.FollowUpProcesses() {
		ids = append(ids, f.ID)
		names[f.ID] = f.Name
	}
	var others []string
	for _, pc := range items {
		fu := pc.Revision.Commitment.FollowUp
		if _, known := names[fu]; !known && !slices.Contains(others, fu) {
			others = append(others, fu)
		}
	}
	slices.Sort(others)
	for _, id := range append(ids, others...) {
		t := newTally()
		for _, pc := range items {
			c := &pc.Revision.Commitment
			if c.FollowUp == id {
				t.add(pc, commitmentRow(pc, Progress(c, pc.Reports, now)))
			}
		}
		name, catalog := names[id]
		if !catalog {
			name = strings.TrimSpace(strings.TrimPrefix(id, FollowUpOther))
		}
		s.Processes = append(s.Processes, FollowUpCommitments{ID: id, Name: name, Catalog: catalog,
			Counts: t.counts, Levels: t.levels(), Countries: sortedKeys(t.countries), Commitments: t.rows})
	}
	return s
}
