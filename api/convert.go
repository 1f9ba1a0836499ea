package api

// The one place where the generated types meet the domain types: each
// function maps one way, field by field, so that a field added on either
// side shows up here (and in the schema drift test) rather than being
// silently dropped.

import (
	"strconv"

	"github.com/civicspace/civicspace/civicspace"
)

// ---- assessments ----

// An assessment needs no mapping: the generated Assessment is the domain's
// civicspace.Assessment (x-go-type in openapi.yaml), decoded once from the
// request body and encoded as it is; the drift test keeps the schema and
// the type in step.

func subjectToAPI(s civicspace.Subject) Subject {
	return Subject{Country: s.Country, Organisation: s.Organisation}
}

func rolesToAPI(roles []civicspace.Role) []Role {
	out := make([]Role, len(roles))
	for i, r := range roles {
		out[i] = Role(r)
	}
	return out
}

func valueToAPI(v civicspace.Value) Value {
	var out Value
	raw, _ := v.MarshalJSON() // a Value always encodes
	_ = out.UnmarshalJSON(raw)
	return out
}

func problemsToAPI(ps []civicspace.Problem) []ProblemDetail {
	out := make([]ProblemDetail, len(ps))
	for i, p := range ps {
		out[i] = ProblemDetail{Pointer: p.Pointer, Detail: p.Detail}
	}
	return out
}

func recordToAPI(rec *civicspace.Record, problems []civicspace.Problem) AssessmentRecord {
	return AssessmentRecord{
		ID:               rec.ID,
		Version:          rec.Version,
		Status:           AssessmentStatus(rec.Status),
		PublishedVersion: rec.PublishedVersion,
		Assessment:       rec.Assessment,
		Problems:         problemsToAPI(problems),
		CreatedAt:        rec.CreatedAt,
		CreatedBy:        rec.CreatedBy,
		UpdatedAt:        rec.UpdatedAt,
		UpdatedBy:        rec.UpdatedBy,
	}
}

func summaryToAPI(rec *civicspace.Record) AssessmentSummary {
	a := &rec.Assessment
	return AssessmentSummary{
		ID:               rec.ID,
		Version:          rec.Version,
		Status:           AssessmentStatus(rec.Status),
		PublishedVersion: rec.PublishedVersion,
		Subject:          subjectToAPI(a.Subject),
		Roles:            rolesToAPI(a.Roles),
		Period:           a.Period.String(),
		Kind:             Kind(a.Kind),
		Author:           a.Author,
		Title:            a.Title,
		AnswerCount:      len(a.Answers),
		CreatedAt:        rec.CreatedAt,
		UpdatedAt:        rec.UpdatedAt,
	}
}

func revisionSummaryToAPI(rev *civicspace.Revision) RevisionSummary {
	changes := rev.Changes
	if changes == nil {
		changes = []string{}
	}
	return RevisionSummary{
		AssessmentID: rev.AssessmentID,
		Version:      rev.Version,
		Status:       AssessmentStatus(rev.Status),
		Action:       Action(rev.Action),
		Actor:        rev.Actor,
		At:           rev.At,
		Note:         rev.Note,
		Changes:      changes,
	}
}

func revisionToAPI(rev *civicspace.Revision) Revision {
	s := revisionSummaryToAPI(rev)
	return Revision{
		AssessmentID: s.AssessmentID,
		Version:      s.Version,
		Status:       s.Status,
		Action:       s.Action,
		Actor:        s.Actor,
		At:           s.At,
		Note:         s.Note,
		Changes:      s.Changes,
		Assessment:   rev.Assessment,
	}
}

// etag is the strong entity tag of an assessment's revision.
func etag(id string, version int) string {
	return `"` + id + "." + strconv.Itoa(version) + `"`
}

// ---- scores ----

func storedScoreToAPI(sc *civicspace.StoredScore) StoredScore {
	return StoredScore{
		AssessmentID:  sc.AssessmentID,
		Version:       sc.Version,
		PolicyDigest:  sc.PolicyDigest,
		CatalogDigest: sc.CatalogDigest,
		ComputedAt:    sc.ComputedAt,
		Band:          Band(sc.Band),
		Score:         sc.Score,
		Result:        sc.Result, // the stored bytes, as the scorer encoded them
	}
}

func resultToAPI(r *civicspace.Result) Result {
	out := Result{
		Subject: subjectToAPI(r.Subject),
		Period:  r.Period,
		Kind:    Kind(r.Kind),
		Roles:   rolesToAPI(r.Roles),
		Rating: Rating{
			Band:     Band(r.Rating.Band),
			Score:    r.Rating.Score,
			Uncapped: r.Rating.Uncapped,
			Coverage: r.Rating.Coverage,
			Caps:     make([]Cap, len(r.Rating.Caps)),
			Rule:     r.Rating.Rule,

			MinCoverage: r.Rating.MinCoverage,
			Explanation: r.Rating.Explanation,
		},
		Frameworks:      make([]FrameworkScore, len(r.Frameworks)),
		Recommendations: make([]RecommendationScore, len(r.Recommendations)),
		Indicators:      make([]IndicatorScore, len(r.Indicators)),
		Findings:        make([]Finding, len(r.Findings)),
		Provenance: Provenance{
			CatalogVersion: r.Provenance.CatalogVersion,
			CatalogDigest:  r.Provenance.CatalogDigest,
			PolicyDigest:   r.Provenance.PolicyDigest,
			PolicyName:     r.Provenance.PolicyName,
			EngineVersion:  r.Provenance.EngineVersion,
		},
	}
	for i, c := range r.Rating.Caps {
		out.Rating.Caps[i] = Cap{RedFlag: c.RedFlag, Indicator: c.Indicator, Title: c.Title, Cap: c.Cap, Applied: c.Applied, Explanation: c.Explanation}
	}
	for i, f := range r.Frameworks {
		out.Frameworks[i] = FrameworkScore{
			ID:       f.ID,
			Score:    f.Score,
			Coverage: f.Coverage,
			Status:   GroupStatus(f.Status),
			Counts:   countsToAPI(f.Counts),
			Groups:   groupScoresToAPI(f.Groups),

			Confidence: Confidence(f.Confidence),
			Scope:      FrameworkScope{Provisions: f.Scope.Provisions, Catalogued: f.Scope.Catalogued, Measured: f.Scope.Measured, Statement: f.Scope.Statement},
		}
		if out.Frameworks[i].Groups == nil {
			out.Frameworks[i].Groups = []GroupScore{}
		}
	}
	for i, rec := range r.Recommendations {
		out.Recommendations[i] = RecommendationScore{
			ID:          rec.ID,
			Framework:   rec.Framework,
			Status:      RecommendationStatus(rec.Status),
			Score:       rec.Score,
			Coverage:    rec.Coverage,
			Indicators:  nonNil(rec.Indicators),
			Rule:        rec.Rule,
			Explanation: rec.Explanation,
			Confidence:  Confidence(rec.Confidence),
			RedFlags:    rec.RedFlags,
		}
	}
	for i, ind := range r.Indicators {
		o := IndicatorScore{
			ID:          ind.ID,
			Answer:      IndicatorScoreAnswer(ind.Answer),
			Points:      ind.Points,
			Weight:      ind.Weight,
			Applicable:  ind.Applicable,
			Rule:        ind.Rule,
			Explanation: ind.Explanation,
			RedFlag:     ind.RedFlag,
		}
		if ind.Value != nil && !ind.Value.IsZero() {
			o.Value = valueToAPI(*ind.Value)
		}
		out.Indicators[i] = o
	}
	for i, f := range r.Findings {
		out.Findings[i] = Finding{
			Indicator:       f.Indicator,
			Cost:            f.Cost,
			Points:          f.Points,
			Answer:          f.Answer,
			Recommendations: nonNil(f.Recommendations),
			Message:         f.Message,
			RedFlag:         f.RedFlag,
		}
	}
	return out
}

func groupScoresToAPI(gs []civicspace.GroupScore) []GroupScore {
	if len(gs) == 0 {
		return nil
	}
	out := make([]GroupScore, len(gs))
	for i, g := range gs {
		out[i] = GroupScore{
			ID:       g.ID,
			Kind:     g.Kind,
			Score:    g.Score,
			Coverage: g.Coverage,
			Status:   GroupStatus(g.Status),
			Counts:   countsToAPI(g.Counts),
			Groups:   groupScoresToAPI(g.Groups),
		}
	}
	return out
}

func countsToAPI(c civicspace.StatusCounts) StatusCounts {
	return StatusCounts{Met: c.Met, PartiallyMet: c.PartiallyMet, NotMet: c.NotMet, NotAssessed: c.NotAssessed, NotApplicable: c.NotApplicable}
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// ---- catalog ----

func sourceToAPI(s civicspace.Source) Source {
	return Source{File: s.File, Section: s.Section, Lines: s.Lines}
}

func sourcePtrToAPI(s *civicspace.Source) Source {
	if s == nil {
		return Source{}
	}
	return sourceToAPI(*s)
}

func referencesToAPI(rs []civicspace.Reference) []Reference {
	if len(rs) == 0 {
		return nil
	}
	out := make([]Reference, len(rs))
	for i, r := range rs {
		out[i] = Reference{Title: r.Title, URL: r.URL, Note: r.Note}
	}
	return out
}

func frameworkToAPI(f *civicspace.Framework) Framework {
	out := Framework{
		ID:          f.ID,
		Title:       f.Title,
		ShortTitle:  f.ShortTitle,
		Description: f.Description,
		Publisher:   f.Publisher,
		Date:        f.Date,
		Source:      sourceToAPI(f.Source),
		References:  referencesToAPI(f.References),
		Confidence:  Confidence(f.Confidence),
		Note:        f.Note,
		Provisions:  f.Provisions,
		Groups:      make([]Group, len(f.Groups)),
	}
	for _, fu := range f.FollowUp {
		out.FollowUp = append(out.FollowUp, FollowUp{ID: fu.ID, Name: fu.Name, Note: fu.Note, Source: sourcePtrToAPI(fu.Source)})
	}
	for _, a := range f.Aims {
		out.Aims = append(out.Aims, Aim{ID: a.ID, Text: a.Text, Max: a.Max, Scope: a.Scope, Source: sourcePtrToAPI(a.Source)})
	}
	for i, g := range f.Groups {
		out.Groups[i] = groupToAPI(g)
	}
	return out
}

func groupToAPI(g *civicspace.Group) Group {
	out := Group{
		ID:          g.ID,
		Number:      g.Number,
		Kind:        g.Kind,
		Title:       g.Title,
		Description: g.Description,
		Source:      sourcePtrToAPI(g.Source),
	}
	if g.Lead != nil {
		out.Lead = Lead{Country: g.Lead.Country, Name: g.Lead.Name, Status: g.Lead.Status, Note: g.Lead.Note}
	}
	for _, sub := range g.Groups {
		out.Groups = append(out.Groups, groupToAPI(sub))
	}
	for _, r := range g.Recommendations {
		out.Recommendations = append(out.Recommendations, recommendationToAPI(r))
	}
	return out
}

func recommendationToAPI(r *civicspace.Recommendation) Recommendation {
	out := Recommendation{
		ID:         r.ID,
		Number:     r.Number,
		Title:      r.Title,
		Text:       r.Text,
		Addressees: rolesToAPI(r.Addressees),
		Source:     sourceToAPI(r.Source),
		Confidence: Confidence(r.Confidence),
		Note:       r.Note,
		Related:    r.Related,
	}
	if o := r.Official; o != nil {
		out.Official = Official{Wording: o.Wording, Custodians: o.Custodians, SeriesCodes: o.SeriesCodes, URL: o.URL}
		for _, oi := range o.Indicators {
			out.Official.Indicators = append(out.Official.Indicators, OfficialIndicator{Code: oi.Code, Wording: oi.Wording, Custodians: oi.Custodians, SeriesCodes: oi.SeriesCodes})
		}
	}
	return out
}

func recommendationDetailToAPI(r *civicspace.Recommendation, inds []*civicspace.Indicator) RecommendationDetail {
	rec := recommendationToAPI(r)
	out := RecommendationDetail{
		ID:         rec.ID,
		Number:     rec.Number,
		Title:      rec.Title,
		Text:       rec.Text,
		Addressees: rec.Addressees,
		Source:     rec.Source,
		Confidence: rec.Confidence,
		Note:       rec.Note,
		Official:   rec.Official,
		Related:    rec.Related,
		Framework:  r.Framework().ID,
		Group:      r.Group().ID,
		Indicators: make([]Indicator, len(inds)),
	}
	for i, ind := range inds {
		out.Indicators[i] = indicatorToAPI(ind)
	}
	return out
}

func indicatorToAPI(ind *civicspace.Indicator) Indicator {
	out := Indicator{
		ID:               ind.ID,
		Question:         ind.Question,
		Guidance:         ind.Guidance,
		Topic:            ind.Topic,
		Type:             IndicatorType(ind.Type),
		Direction:        IndicatorDirection(ind.Direction),
		Weight:           ind.Weight,
		EvidenceRequired: ind.EvidenceRequired,
		Recommendations:  nonNil(ind.Recommendations),
		SdgIndicator:     ind.SDGIndicator,
		References:       referencesToAPI(ind.References),
		Roles:            rolesToAPI(ind.Roles),
	}
	if p := ind.Percentage; p != nil {
		out.Percentage = PercentageScoring{Target: p.Target, Reason: p.Reason}
	}
	if s := ind.Scale; s != nil {
		out.Scale = Scale{Min: s.Min, Max: s.Max, Step: s.Step, Levels: make([]ScaleLevel, len(s.Levels))}
		for i, l := range s.Levels {
			out.Scale.Levels[i] = ScaleLevel{Value: l.Value, Label: l.Label, Description: l.Description}
		}
	}
	if c := ind.Count; c != nil {
		out.Count = CountScoring{Worst: c.Worst, Target: c.Target}
	}
	for _, o := range ind.Options {
		out.Options = append(out.Options, ChoiceOption{ID: o.ID, Label: o.Label, Points: o.Points})
	}
	if rf := ind.RedFlag; rf != nil {
		out.RedFlag = RedFlag{
			ID:          rf.ID,
			Title:       rf.Title,
			Description: rf.Description,
			When:        RedFlagCondition{Equals: rf.When.Equals, AtLeast: rf.When.AtLeast, Options: rf.When.Options},
			Cap:         rf.Cap,
			Grades:      rf.Grades,
		}
	}
	return out
}

func indicatorsToAPI(inds []*civicspace.Indicator) []Indicator {
	out := make([]Indicator, len(inds))
	for i, ind := range inds {
		out[i] = indicatorToAPI(ind)
	}
	return out
}

func crosswalkToAPI(from, to string, links []civicspace.CrosswalkLink) Crosswalk {
	out := Crosswalk{From: from, To: to, Links: make([]CrosswalkLink, len(links))}
	for i, l := range links {
		out.Links[i] = CrosswalkLink{From: l.From, To: l.To, Indicators: nonNil(l.Indicators)}
	}
	return out
}

// ---- countries ----

func countryToAPI(c civicspace.Country) Country {
	out := Country{
		Alpha2:       c.Alpha2,
		Alpha3:       c.Alpha3,
		Numeric:      c.Numeric,
		Name:         c.Name,
		OfficialName: c.OfficialName,
		CommonName:   c.CommonName,
		Region:       Region{Code: c.Region.Code, Name: c.Region.Name},
		SubRegion:    Region{Code: c.SubRegion.Code, Name: c.SubRegion.Name},
		UserAssigned: c.UserAssigned,
	}
	if ir := c.IntermediateRegion; ir != nil {
		out.IntermediateRegion = Region{Code: ir.Code, Name: ir.Name}
	}
	return out
}

func regionsToAPI(rs []civicspace.RegionSummary) []RegionSummary {
	out := make([]RegionSummary, len(rs))
	for i, r := range rs {
		out[i] = RegionSummary{Code: r.Code, Name: r.Name, SubRegions: make([]SubRegionSummary, len(r.SubRegions))}
		for j, s := range r.SubRegions {
			sub := SubRegionSummary{Code: s.Code, Name: s.Name, Countries: nonNil(s.Countries)}
			for _, ir := range s.IntermediateRegions {
				sub.IntermediateRegions = append(sub.IntermediateRegions, IntermediateRegionSummary{Code: ir.Code, Name: ir.Name, Countries: nonNil(ir.Countries)})
			}
			out[i].SubRegions[j] = sub
		}
	}
	return out
}

func sourcesToAPI(ss []civicspace.DataSource) []DataSource {
	out := make([]DataSource, len(ss))
	for i, s := range ss {
		out[i] = DataSource{Name: s.Name, Version: s.Version, Package: s.Package, File: s.File, Sha256: s.SHA256, License: s.License}
	}
	return out
}
