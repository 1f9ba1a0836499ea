package civicspace

import "fmt"

// contradiction is a pair of answers that cannot both be true. Each rule
// names the indicators it reads; a catalog without one of them skips it.
type contradiction struct {
	indicators [2]string
	// conflict returns why the two values contradict each other, or "".
	conflict func(a, b Value) string
}

// contradictionRules are checked by Validate: an assessment whose answers
// contradict each other is refused rather than scored on whichever answer
// earns more (docs/methodology.md, "Contradictions").
var contradictionRules = []contradiction{{
	// UNESCO's adoption score counts the oversight body, information
	// officers and exemptions of an access-to-information law: without a
	// guarantee there is none of them.
	indicators: [2]string{"ati-guarantee", "sdg-16-10-2-adoption"},
	conflict: func(a, b Value) string {
		g, _ := a.Option()
		n, _ := b.Number()
		if g == "no" && n > 0 {
			return fmt.Sprintf("ati-guarantee is \"no\" but the rest of the UNESCO adoption score is %s: without a guarantee there is no law whose oversight body, officers or exemptions could score", FormatNumber(n))
		}
		return ""
	},
}, {
	indicators: [2]string{"hrd-killings", "hrd-killings-response"},
	conflict: func(a, b Value) string {
		n, _ := a.Number()
		r, _ := b.Option()
		switch {
		case n == 0 && r != "no_killing":
			return fmt.Sprintf("hrd-killings is 0 but hrd-killings-response is %q: the response describes killings that the count says did not happen", r)
		case n > 0 && r == "no_killing":
			return fmt.Sprintf("hrd-killings is %s but hrd-killings-response says no killing: say what the state did about them", FormatNumber(n))
		}
		return ""
	},
}}

// contradictions checks the answered pairs of contradictionRules.
func contradictions(cat *Catalog, answers map[string]Answer) []Problem {
	var ps []Problem
	for _, rule := range contradictionRules {
		x, okX := answers[rule.indicators[0]]
		y, okY := answers[rule.indicators[1]]
		if !okX || !okY || !x.Answered() || !y.Answered() {
			continue
		}
		if _, ok := cat.Indicator(rule.indicators[0]); !ok {
			continue
		}
		if _, ok := cat.Indicator(rule.indicators[1]); !ok {
			continue
		}
		if detail := rule.conflict(x.Value, y.Value); detail != "" {
			ps = append(ps, Problem{Pointer: "/answers/" + EncodePointer(rule.indicators[1]), Detail: "contradicts /answers/" + EncodePointer(rule.indicators[0]) + ": " + detail})
		}
	}
	return ps
}
