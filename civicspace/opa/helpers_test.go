package opa_test

import (
	"context"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/stretchr/testify/require"
)

// testCatalog is the small, stable catalog of testdata/catalog.yaml.
func testCatalog(t testing.TB) *civicspace.Catalog {
	t.Helper()
	b, err := os.ReadFile("testdata/catalog.yaml")
	require.NoError(t, err)
	cat, err := civicspace.ParseCatalog(civicspace.CatalogFile{Name: "catalog.yaml", Data: b})
	require.NoError(t, err)
	return cat
}

func newScorer(t testing.TB, cat *civicspace.Catalog, opts ...opa.Option) *opa.Scorer {
	t.Helper()
	s, err := opa.NewScorer(cat, opts...)
	require.NoError(t, err)
	return s
}

// parse decodes an assessment written in the exchange form.
func parse(t testing.TB, doc string) *civicspace.Assessment {
	t.Helper()
	a, err := civicspace.ParseAssessment([]byte(doc))
	require.NoError(t, err)
	return a
}

func score(t testing.TB, s *opa.Scorer, a *civicspace.Assessment) *civicspace.Result {
	t.Helper()
	r, err := s.Score(context.Background(), a)
	require.NoError(t, err)
	return r
}

// domestic answers every indicator of the test catalog for the domestic
// role: the values given, in JSON, override the defaults.
func assessment(t testing.TB, roles string, answers map[string]string) *civicspace.Assessment {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"subject": {"country": "XAA"}, "roles": ` + roles + `, "period": "2025", "kind": "self", "author": "Test ministry", "answers": {`)
	first := true
	for id, v := range answers {
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString(`"` + id + `": ` + v)
	}
	b.WriteString("}}")
	return parse(t, b.String())
}

func recByID(r *civicspace.Result, id string) civicspace.RecommendationScore {
	for _, x := range r.Recommendations {
		if x.ID == id {
			return x
		}
	}
	panic("no recommendation " + id)
}

func indByID(r *civicspace.Result, id string) civicspace.IndicatorScore {
	for _, x := range r.Indicators {
		if x.ID == id {
			return x
		}
	}
	panic("no indicator " + id)
}

func fwByID(r *civicspace.Result, id string) civicspace.FrameworkScore {
	for _, x := range r.Frameworks {
		if x.ID == id {
			return x
		}
	}
	panic("no framework " + id)
}

// randomValue returns a valid value for ind drawn from rng.
func randomValue(ind *civicspace.Indicator, rng *rand.Rand) civicspace.Value {
	switch ind.Type {
	case civicspace.TypeBoolean:
		return civicspace.BoolValue(rng.IntN(2) == 0)
	case civicspace.TypeScale:
		return civicspace.NumberValue(float64(ind.Scale.Min + rng.IntN(ind.Scale.Max-ind.Scale.Min+1)))
	case civicspace.TypeCount:
		limit := ind.Count.Worst
		if ind.Direction == civicspace.HigherIsBetter {
			limit = ind.Count.Target
		}
		return civicspace.NumberValue(float64(rng.IntN(limit + 2)))
	case civicspace.TypePercentage:
		return civicspace.NumberValue(float64(rng.IntN(21) * 5))
	case civicspace.TypeChoice:
		return civicspace.OptionValue(ind.Options[rng.IntN(len(ind.Options))].ID)
	}
	panic("unknown type " + ind.Type)
}

// randomAssessment answers indicators of cat at random: each is answered
// with probability pAnswer, else left missing, unknown or not applicable.
// With pAnswer 1 every indicator is answered.
func randomAssessment(cat *civicspace.Catalog, rng *rand.Rand, roles []civicspace.Role, pAnswer float64) *civicspace.Assessment {
	a := &civicspace.Assessment{
		Subject: civicspace.Subject{Country: "XAZ"},
		Roles:   roles,
		Period:  civicspace.MustPeriod("2025"),
		Kind:    civicspace.KindShadow,
		Author:  "Generated test watchdog",
		Answers: map[string]civicspace.Answer{},
	}
	for _, ind := range cat.Indicators() {
		if rng.Float64() >= pAnswer {
			switch rng.IntN(3) {
			case 0:
				continue
			case 1:
				a.Answers[ind.ID] = civicspace.Answer{Status: civicspace.AnswerUnknown}
			case 2:
				// Not applicable is refused for a question about a role
				// assessed: there it is unknown.
				if ind.Asks(roles) {
					a.Answers[ind.ID] = civicspace.Answer{Status: civicspace.AnswerUnknown}
				} else {
					a.Answers[ind.ID] = civicspace.Answer{Status: civicspace.AnswerNotApplicable, Reason: "Not a question about the roles assessed."}
				}
			}
			continue
		}
		ans := civicspace.Answer{Value: randomValue(ind, rng)}
		if ind.EvidenceRequired {
			ans.Evidence = []civicspace.Evidence{{Title: "Official gazette", URL: "https://example.org/gazette", Date: "2025-03-01"}}
		}
		a.Answers[ind.ID] = ans
	}
	makeConsistent(a)
	return a
}

// makeConsistent settles the pairs of answers that validation refuses as
// contradictions, by changing the second answer of each pair.
func makeConsistent(a *civicspace.Assessment) {
	if k, ok := a.Answers["hrd-killings"]; ok && k.Answered() {
		if r, ok := a.Answers["hrd-killings-response"]; ok && r.Answered() {
			n, _ := k.Value.Number()
			id, _ := r.Value.Option()
			switch {
			case n == 0:
				r.Value = civicspace.OptionValue("no_killing")
			case id == "no_killing":
				r.Value = civicspace.OptionValue("investigated")
			}
			a.Answers["hrd-killings-response"] = r
		}
	}
	if g, ok := a.Answers["ati-guarantee"]; ok && g.Answered() {
		if x, ok := a.Answers["sdg-16-10-2-adoption"]; ok && x.Answered() {
			if id, _ := g.Value.Option(); id == "no" {
				x.Value = civicspace.NumberValue(0)
				a.Answers["sdg-16-10-2-adoption"] = x
			}
		}
	}
}

// valid reports whether a passes validation: a property test changing one
// answer skips the changes that would contradict another answer.
func valid(cat *civicspace.Catalog, a *civicspace.Assessment) bool {
	return len(a.Validate(cat, civicspace.DefaultCountries())) == 0
}

// stateRoles are the roles in which a state is assessed at most.
var stateRoles = []civicspace.Role{civicspace.RoleDomestic, civicspace.RoleDonor, civicspace.RoleHost, civicspace.RoleCohort}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
