package civicspace

import (
	"fmt"
	"slices"
	"sort"
)

// The aim scopes commitments are checked against (Aim.Scope). Aims of
// other scopes are not about commitments and are not checked.
const (
	// AimRecommendationsPerGroup limits the distinct recommendations the
	// commitments made in one top-level group (a workstream) link to: the
	// Civic Space Cohort's "1-3 recommendations per workstream".
	AimRecommendationsPerGroup = "recommendations_per_group"
	// AimJointCommitments limits the joint commitments (several countries)
	// made on a framework: the exile concept note's "two or three joint
	// commitments". A joint commitment counts when it links to one of the
	// framework's recommendations or was made in a workstream related to
	// it (see relatedWorkstreams).
	AimJointCommitments = "joint_commitments"
)

// AimWarning says that a set of commitments goes beyond an aim a framework
// set itself. It is a warning, not an error: the commitments stand, but
// the framework meant to keep to fewer.
type AimWarning struct {
	Framework string `json:"framework"`
	Aim       string `json:"aim"`
	Scope     string `json:"scope"`
	// Group is the workstream whose set exceeds the aim: the group itself
	// for recommendations_per_group, the workstream the framework belongs
	// to (if any) for joint_commitments.
	Group string `json:"group,omitempty"`
	Max   int    `json:"max"`
	Count int    `json:"count"`
	// Commitments are the IDs of the commitments counted; Recommendations
	// the distinct recommendations they link to (recommendations_per_group
	// only).
	Commitments     []string `json:"commitments"`
	Recommendations []string `json:"recommendations,omitempty"`
	Detail          string   `json:"detail"`
}

// AimWarnings checks a set of commitments against the aims of the
// catalog's frameworks and returns a warning for each aim the set exceeds,
// by framework and aim in catalog order. The set is what the public would
// see: the published revisions, with a commitment being written in place
// of its own.
func AimWarnings(cat *Catalog, set []*CommitmentRevision) []AimWarning {
	out := []AimWarning{}
	for _, f := range cat.frameworks {
		for _, aim := range f.Aims {
			switch aim.Scope {
			case AimRecommendationsPerGroup:
				for _, g := range f.Groups {
					if w, ok := recommendationsPerGroup(f, aim, g, set); ok {
						out = append(out, w)
					}
				}
			case AimJointCommitments:
				if w, ok := jointCommitments(cat, f, aim, set); ok {
					out = append(out, w)
				}
			}
		}
	}
	return out
}

func recommendationsPerGroup(f *Framework, aim Aim, g *Group, set []*CommitmentRevision) (AimWarning, bool) {
	var ids []string
	recs := map[string]bool{}
	for _, rev := range set {
		if rev.Commitment.Occasion.WorkstreamID != g.ID {
			continue
		}
		ids = append(ids, rev.CommitmentID)
		for _, r := range rev.Commitment.Recommendations {
			recs[r] = true
		}
	}
	if len(recs) <= aim.Max {
		return AimWarning{}, false
	}
	w := AimWarning{Framework: f.ID, Aim: aim.ID, Scope: aim.Scope, Group: g.ID, Max: aim.Max, Count: len(recs),
		Commitments: sortedUnique(ids), Recommendations: sortedKeys(recs)}
	w.Detail = fmt.Sprintf("the commitments of %s %q link to %d recommendations; %s aims at no more than %d (%s)",
		g.Kind, g.Title, w.Count, frameworkName(f), aim.Max, aim.Text)
	return w, true
}

func jointCommitments(cat *Catalog, f *Framework, aim Aim, set []*CommitmentRevision) (AimWarning, bool) {
	own := map[string]bool{}
	for _, r := range cat.recsByFramework[f.ID] {
		own[r.ID] = true
	}
	related := relatedWorkstreams(cat, f)
	var ids []string
	for _, rev := range set {
		c := &rev.Commitment
		if !c.Subject.Joint() {
			continue
		}
		if slices.Contains(related, c.Occasion.WorkstreamID) || slices.ContainsFunc(c.Recommendations, func(id string) bool { return own[id] }) {
			ids = append(ids, rev.CommitmentID)
		}
	}
	ids = sortedUnique(ids)
	if len(ids) <= aim.Max {
		return AimWarning{}, false
	}
	w := AimWarning{Framework: f.ID, Aim: aim.ID, Scope: aim.Scope, Max: aim.Max, Count: len(ids), Commitments: ids}
	if len(related) > 0 {
		w.Group = related[0]
	}
	w.Detail = fmt.Sprintf("%d joint commitments are made on %s; it aims at no more than %d (%s)", w.Count, frameworkName(f), aim.Max, aim.Text)
	return w, true
}

// relatedWorkstreams returns the IDs of the workstreams of other
// frameworks that f belongs to, sorted: those whose recommendations name f
// or one of its items as related, or that f's recommendations name (the
// Civic Space Cohort's exile workstream and its concept note, framework
// exile, name each other this way).
func relatedWorkstreams(cat *Catalog, f *Framework) []string {
	own := map[string]bool{f.ID: true}
	walkGroups(f.Groups, func(g *Group) { own[g.ID] = true })
	for _, r := range cat.recsByFramework[f.ID] {
		own[r.ID] = true
	}
	var out []string
	for _, ws := range cat.Workstreams() {
		if ws.framework == f {
			continue
		}
		under := map[string]bool{ws.ID: true}
		for _, r := range cat.groupRecs[ws.ID] {
			under[r.ID] = true
		}
		linked := false
		for _, r := range cat.groupRecs[ws.ID] {
			linked = linked || slices.ContainsFunc(r.Related, func(id string) bool { return own[id] })
		}
		for _, r := range cat.recsByFramework[f.ID] {
			linked = linked || slices.ContainsFunc(r.Related, func(id string) bool { return under[id] })
		}
		if linked {
			out = append(out, ws.ID)
		}
	}
	sort.Strings(out)
	return out
}

func frameworkName(f *Framework) string {
	if f.ShortTitle != "" {
		return f.ShortTitle
	}
	return f.Title
}

// concerns keeps the warnings that count commitment id.
func concerns(ws []AimWarning, id string) []AimWarning {
	out := []AimWarning{}
	for _, w := range ws {
		if slices.Contains(w.Commitments, id) {
			out = append(out, w)
		}
	}
	return out
}

func sortedUnique(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
