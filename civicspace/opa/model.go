package opa

import (
	"slices"

	"github.com/civicspace/civicspace/civicspace"
)

// model is the catalog indexed for scoring: indicators and
// recommendations by position, and the tree of frameworks and groups with
// the recommendations and distinct indicators under each node.
type model struct {
	inds     []indicatorInfo
	indIndex map[string]int
	recs     []recInfo
	tree     []*node // frameworks
}

type indicatorInfo struct {
	ind    *civicspace.Indicator
	weight float64
	recs   []int // the recommendations it measures, in catalog order
}

type recInfo struct {
	rec       *civicspace.Recommendation
	framework string
	inds      []int // the indicators that measure it, in catalog order
}

// node is a framework or a group.
type node struct {
	id, kind string
	recs     []int // every recommendation at any depth below, in catalog order
	children []*node
}

func newModel(cat *civicspace.Catalog, weights map[string]float64) *model {
	m := &model{indIndex: map[string]int{}}
	recIndex := map[string]int{}
	for _, r := range cat.Recommendations() {
		recIndex[r.ID] = len(m.recs)
		m.recs = append(m.recs, recInfo{rec: r, framework: r.Framework().ID})
	}
	for _, ind := range cat.Indicators() {
		w := ind.Weight
		if ow, ok := weights[ind.ID]; ok {
			w = ow
		}
		i := len(m.inds)
		m.indIndex[ind.ID] = i
		info := indicatorInfo{ind: ind, weight: w}
		for _, rid := range ind.Recommendations {
			if ri, ok := recIndex[rid]; ok {
				info.recs = append(info.recs, ri)
			}
		}
		slices.Sort(info.recs)
		m.inds = append(m.inds, info)
	}
	for i := range m.inds {
		for _, ri := range m.inds[i].recs {
			m.recs[ri].inds = append(m.recs[ri].inds, i)
		}
	}
	var build func(groups []*civicspace.Group) []*node
	build = func(groups []*civicspace.Group) []*node {
		out := make([]*node, 0, len(groups))
		for _, g := range groups {
			n := &node{id: g.ID, kind: g.Kind, children: build(g.Groups)}
			for _, r := range cat.GroupRecommendations(g.ID) {
				n.recs = append(n.recs, recIndex[r.ID])
			}
			slices.Sort(n.recs)
			out = append(out, n)
		}
		return out
	}
	for _, f := range cat.Frameworks() {
		n := &node{id: f.ID, kind: "framework", children: build(f.Groups)}
		for _, r := range cat.FrameworkRecommendations(f.ID) {
			n.recs = append(n.recs, recIndex[r.ID])
		}
		slices.Sort(n.recs)
		m.tree = append(m.tree, n)
	}
	return m
}

// catalogData is what the policy sees of the catalog, at
// data.civicspace.catalog: each indicator's scoring definition (options
// keyed by id) and each recommendation's framework and addressees.
func catalogData(cat *civicspace.Catalog) map[string]any {
	inds := map[string]any{}
	for _, ind := range cat.Indicators() {
		d := map[string]any{
			"type":            string(ind.Type),
			"direction":       string(ind.Direction),
			"weight":          ind.Weight,
			"topic":           ind.Topic,
			"recommendations": append([]string{}, ind.Recommendations...),
		}
		if ind.Scale != nil {
			d["scale"] = map[string]any{"min": ind.Scale.Min, "max": ind.Scale.Max}
		}
		if ind.Percentage != nil {
			d["percentage"] = map[string]any{"target": ind.Percentage.Target}
		}
		if ind.Count != nil {
			d["count"] = map[string]any{"worst": ind.Count.Worst, "target": ind.Count.Target}
		}
		if len(ind.Options) > 0 {
			opts := map[string]any{}
			for _, o := range ind.Options {
				opts[o.ID] = map[string]any{"label": o.Label, "points": o.Points}
			}
			d["options"] = opts
		}
		if rf := ind.RedFlag; rf != nil {
			when := map[string]any{}
			switch {
			case rf.When.Equals != nil:
				when["equals"] = *rf.When.Equals
			case rf.When.AtLeast != nil:
				when["at_least"] = *rf.When.AtLeast
			case len(rf.When.Options) > 0:
				when["options"] = append([]string{}, rf.When.Options...)
			}
			grades := map[string]any{}
			for o, c := range rf.Grades {
				grades[o] = c
			}
			d["red_flag"] = map[string]any{"id": rf.ID, "title": rf.Title, "cap": rf.Cap, "when": when, "grades": grades}
		}
		inds[ind.ID] = d
	}
	recs := map[string]any{}
	for _, r := range cat.Recommendations() {
		roles := make([]string, len(r.Addressees))
		for i, a := range r.Addressees {
			roles[i] = string(a)
		}
		recs[r.ID] = map[string]any{"framework": r.Framework().ID, "addressees": roles}
	}
	return map[string]any{
		"version":         cat.Version(),
		"digest":          cat.Digest(),
		"indicators":      inds,
		"recommendations": recs,
	}
}
