package opa

import (
	"strconv"

	"github.com/civicspace/civicspace/civicspace"
)

// weighed accumulates indicators into a weighted mean and a coverage. An
// answered indicator counts its points; an unknown one counts 0 points
// (not knowing is never better than the worst answer) but, like a missing
// one, lowers coverage; docs/methodology.md, "Unknown answers".
type weighed struct {
	total    float64 // weight of every indicator counted
	answered float64 // weight of those with a value
	meanW    float64 // weight in the mean: answered and unknown
	sum      float64
}

// add counts one indicator and reports whether it was answered.
func (w *weighed) add(weight float64, x *indState) bool {
	w.total += weight
	switch {
	case x.points != nil:
		w.answered += weight
		w.meanW += weight
		w.sum += weight * *x.points
		return true
	case x.answer == answerUnknown:
		w.meanW += weight
	}
	return false
}

func (w *weighed) coverage() float64 {
	if w.total == 0 {
		return 0
	}
	return round3(w.answered / w.total)
}

func (w *weighed) mean() *float64 {
	if w.meanW == 0 {
		return nil
	}
	return civicspace.Float(civicspace.Round1(w.sum / w.meanW))
}

// applyRedFlags makes every raised red flag reach the recommendations its
// indicator measures: each assessed one is not met and its score is at
// most the flag's cap (one left not assessed for lack of answers stays so). It returns each indicator's lowest cap (-1 for
// none), which caps the groups and frameworks that count the indicator.
func (s *Scorer) applyRedFlags(st []indState, recs []recState, flags []raisedFlag) []float64 {
	flagCap := make([]float64, len(st))
	for i := range flagCap {
		flagCap[i] = -1
	}
	raised := make([][]string, len(st))
	for _, f := range flags {
		i, ok := s.m.indIndex[f.indicator]
		if !ok || !st[i].applicable || (st[i].points == nil && st[i].answer != answerUnknown) {
			continue // a policy-wide flag caps the rating only
		}
		if flagCap[i] < 0 || f.cap < flagCap[i] {
			flagCap[i] = f.cap
		}
		raised[i] = append(raised[i], f.id)
	}
	for ri := range recs {
		r := &recs[ri]
		if r.status == civicspace.StatusNotApplicable {
			continue
		}
		lowest := -1.0
		for _, ii := range r.counted {
			if flagCap[ii] < 0 {
				continue
			}
			r.redFlags = append(r.redFlags, raised[ii]...)
			if lowest < 0 || flagCap[ii] < lowest {
				lowest = flagCap[ii]
			}
		}
		if lowest < 0 {
			continue
		}
		if r.status == civicspace.StatusNotAssessed {
			continue // too little is known to judge it; the flag still caps its groups
		}
		r.status = civicspace.StatusNotMet
		if r.score != nil && *r.score > lowest {
			r.score = civicspace.Float(lowest)
			r.capped = true
		}
	}
	return flagCap
}

// frameworkScore is a framework's roll-up with its scope, its confidence
// and the coverage gate: below the policy's minimum coverage a framework
// has no score (insufficient_data).
func (s *Scorer) frameworkScore(n *node, g civicspace.GroupScore) civicspace.FrameworkScore {
	out := civicspace.FrameworkScore{ID: g.ID, Score: g.Score, Coverage: g.Coverage, Status: g.Status, Counts: g.Counts, Groups: g.Groups,
		Confidence: civicspace.Confirmed}
	if g.Status == "assessed" && g.Coverage < s.minCoverage {
		out.Status, out.Score = civicspace.StatusInsufficientData, nil
	}
	f, _ := s.cat.Framework(n.id)
	if f != nil && f.Confidence != "" {
		out.Confidence = f.Confidence
	}
	sc := &out.Scope
	sc.Catalogued = len(n.recs)
	sc.Provisions = sc.Catalogued
	if f != nil && f.Provisions > sc.Catalogued {
		sc.Provisions = f.Provisions
	}
	sc.Measured = g.Counts.Met + g.Counts.PartiallyMet + g.Counts.NotMet
	head := "the catalog holds all " + strconv.Itoa(sc.Provisions) + " of its recommendations"
	if sc.Provisions > sc.Catalogued {
		head = "the catalog holds " + strconv.Itoa(sc.Catalogued) + " of its " + strconv.Itoa(sc.Provisions) + " recommendations"
	}
	sc.Statement = head + "; this assessment measured " + strconv.Itoa(sc.Measured) + " of " + strconv.Itoa(sc.Provisions)
	return out
}

// confidence is a catalog item's confidence, confirmed when unset.
func confidence(c civicspace.Confidence) civicspace.Confidence {
	if c == "" {
		return civicspace.Confirmed
	}
	return c
}

// unknownRedFlags raises, for every applicable red-flag question answered
// unknown, its flag at its lowest cap: not knowing whether a killing or a
// shutdown happened is rated as the worst case, so that answering unknown
// never raises a score (docs/methodology.md, "Unknown answers").
func (s *Scorer) unknownRedFlags(st []indState) []raisedFlag {
	var out []raisedFlag
	for i := range st {
		rf := s.m.inds[i].ind.RedFlag
		if rf == nil || !st[i].applicable || st[i].answer != answerUnknown {
			continue
		}
		lowest := rf.Cap
		for _, c := range rf.Grades {
			lowest = min(lowest, c)
		}
		out = append(out, raisedFlag{id: rf.ID, indicator: s.m.inds[i].ind.ID, title: rf.Title, cap: lowest,
			explanation: "red flag \"" + rf.Title + "\": the answer is unknown, which counts as the worst case and caps the rating at " + civicspace.FormatNumber(lowest)})
	}
	return out
}
