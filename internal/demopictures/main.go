// Command demopictures writes the example pictures of the documentation
// (docs/img/*.svg) from demo data: the example assessments of
// examples/assessments and variants of them, for fictitious subjects with
// user-assigned codes (XAA-XAL), scored by the built-in policy, stored in a
// temporary SQLite database and compared through the same calls as the
// REST API and the command line. No real country appears in them.
//
// scripts/screenshots.sh runs it, then renders the pictures to PNG.
//
//	go run ./internal/demopictures -out docs/img
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/civicspace/civicspace/civicspace/report"
	"github.com/civicspace/civicspace/civicspace/sqlite"
)

func main() {
	out := flag.String("out", "docs/img", "directory to write the SVG files to")
	examples := flag.String("examples", "examples/assessments", "directory of the example assessments")
	flag.Parse()
	if err := run(context.Background(), *out, *examples); err != nil {
		fmt.Fprintln(os.Stderr, "demopictures:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, outDir, examplesDir string) error {
	// The demo writes as the local operator.
	ctx = civicspace.NewContextWithPrincipal(ctx, civicspace.System)
	tmp, err := os.MkdirTemp("", "demopictures")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	st, err := sqlite.Open(ctx, filepath.Join(tmp, "demo.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	cat, countries := civicspace.DefaultCatalog(), civicspace.DefaultCountries()
	scorer, err := opa.NewScorer(cat)
	if err != nil {
		return err
	}
	svc := &civicspace.Service{Catalog: cat, Countries: countries, Store: st, Scorer: scorer}

	load := func(name string) (*civicspace.Assessment, error) {
		data, err := os.ReadFile(filepath.Join(examplesDir, name))
		if err != nil {
			return nil, err
		}
		return civicspace.ParseAssessment(data)
	}
	open, err := load("open-xaa.json")
	if err != nil {
		return err
	}
	restrictive, err := load("restrictive-xab.json")
	if err != nil {
		return err
	}

	publish := func(a *civicspace.Assessment) (string, error) {
		rec, problems, err := svc.CreateAssessment(ctx, a)
		if err != nil {
			return "", err
		}
		if len(problems) > 0 {
			return "", fmt.Errorf("demo assessment of %s %s is invalid: %v", a.Subject.Country, a.Period, problems[0])
		}
		for _, action := range []civicspace.Action{civicspace.ActionSubmit, civicspace.ActionPublish} {
			if rec, _, err = svc.Transition(ctx, rec.ID, rec.Version, action, ""); err != nil {
				return "", err
			}
		}
		return rec.ID, nil
	}

	// A ranking of twelve demo subjects for 2025: the open example made
	// worse by degrees, two of them equal, one answered too thinly to be
	// ranked, one with nothing applicable answered.
	rng := rand.New(rand.NewPCG(2025, 16))
	for i := range 12 {
		a := clone(open)
		a.Subject.Country = fmt.Sprintf("XA%c", 'A'+i)
		a.Title = ""
		switch {
		case i == 3: // the same answers as XAC: a tie
			degrade(cat, a, 2*2, rand.New(rand.NewPCG(7, 2)))
		case i == 2:
			degrade(cat, a, 2*2, rand.New(rand.NewPCG(7, 2)))
		case i == 10:
			thin(a, 8)
		case i == 11:
			a.Answers = map[string]civicspace.Answer{}
		default:
			degrade(cat, a, i*5, rng)
		}
		if _, err := publish(a); err != nil {
			return err
		}
	}
	// A trend of XAA, 2019 to 2025 without 2022: improving, then a setback.
	for _, y := range []struct {
		period string
		worse  int
	}{{"2019", 30}, {"2020", 24}, {"2021", 14}, {"2023", 6}, {"2024", 0}} {
		a := clone(open)
		a.Period = civicspace.MustPeriod(y.period)
		degrade(cat, a, y.worse, rand.New(rand.NewPCG(uint64(y.worse), 9)))
		if _, err := publish(a); err != nil {
			return err
		}
	}
	// A watchdog's shadow assessment of XAA for 2024 and 2025.
	for _, p := range []string{"2024", "2025"} {
		a := clone(open)
		a.Period, a.Kind, a.Author = civicspace.MustPeriod(p), civicspace.KindShadow, "Demoland Civic Watch (demo)"
		degrade(cat, a, 12, rand.New(rand.NewPCG(3, 3)))
		if _, err := publish(a); err != nil {
			return err
		}
	}
	scorecardID, err := publish(restrictive)
	if err != nil {
		return err
	}

	policy := scorer.PolicyDigest()
	ranking, err := civicspace.CompareRanking(ctx, st, cat, countries, policy, civicspace.RankingQuery{Period: "2025", Kind: civicspace.KindSelf})
	if err != nil {
		return err
	}
	trend, err := civicspace.CompareTrend(ctx, st, cat, countries, policy, "XAA", civicspace.TrendQuery{})
	if err != nil {
		return err
	}
	rec, err := st.Assessment(ctx, scorecardID)
	if err != nil {
		return err
	}
	sc, err := svc.StoredScore(ctx, scorecardID, rec.PublishedVersion)
	if err != nil {
		return err
	}
	result, err := decodeResult(sc)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	for name, v := range map[string]any{"ranking.svg": ranking, "trend.svg": trend, "scorecard.svg": result} {
		f, err := os.Create(filepath.Join(outDir, name))
		if err != nil {
			return err
		}
		err = report.Write(f, report.SVG, v, report.WithCatalog(cat), report.WithCountries(countries))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		fmt.Println(filepath.Join(outDir, name))
	}
	return nil
}

func clone(a *civicspace.Assessment) *civicspace.Assessment {
	c := *a
	c.Roles = slices.Clone(a.Roles)
	c.Answers = make(map[string]civicspace.Answer, len(a.Answers))
	for k, v := range a.Answers {
		c.Answers[k] = v
	}
	return &c
}

// degrade gives the worst valid answer to n answered indicators picked at
// random, skipping a change that would contradict another answer.
func degrade(cat *civicspace.Catalog, a *civicspace.Assessment, n int, rng *rand.Rand) {
	ids := answeredIDs(a)
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	changed := 0
	for _, id := range ids {
		if changed == n {
			break
		}
		ind, _ := cat.Indicator(id)
		prev := a.Answers[id]
		ans := prev
		ans.Value = worst(ind)
		a.Answers[id] = ans
		if len(a.Validate(cat, civicspace.DefaultCountries())) > 0 {
			a.Answers[id] = prev
			continue
		}
		changed++
	}
}

// thin keeps only the first n answers (by ID), for a score on too little
// coverage.
func thin(a *civicspace.Assessment, n int) {
	ids := answeredIDs(a)
	for _, id := range ids[min(n, len(ids)):] {
		delete(a.Answers, id)
	}
}

func answeredIDs(a *civicspace.Assessment) []string {
	var ids []string
	for id, ans := range a.Answers {
		if ans.Answered() {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func worst(ind *civicspace.Indicator) civicspace.Value {
	higher := ind.Direction == civicspace.HigherIsBetter
	switch ind.Type {
	case civicspace.TypeBoolean:
		return civicspace.BoolValue(!higher)
	case civicspace.TypeScale:
		if higher {
			return civicspace.NumberValue(float64(ind.Scale.Min))
		}
		return civicspace.NumberValue(float64(ind.Scale.Max))
	case civicspace.TypeCount:
		if higher {
			return civicspace.NumberValue(0)
		}
		return civicspace.NumberValue(float64(cmp.Or(ind.Count.Worst, 10)))
	case civicspace.TypePercentage:
		if higher {
			return civicspace.NumberValue(0)
		}
		return civicspace.NumberValue(100)
	}
	low := ind.Options[0]
	for _, o := range ind.Options {
		if o.Points < low.Points {
			low = o
		}
	}
	return civicspace.OptionValue(low.ID)
}

func decodeResult(sc *civicspace.StoredScore) (*civicspace.Result, error) {
	var r civicspace.Result
	if err := json.Unmarshal(sc.Result, &r); err != nil {
		return nil, fmt.Errorf("stored score of %s v%d: %w", sc.AssessmentID, sc.Version, err)
	}
	return &r, nil
}
