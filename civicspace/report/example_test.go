package report_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/report"
)

// lf shows CSV's CRLF line ends as plain newlines, which examples compare.
func lf(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

func exampleRanking() *civicspace.RankingResult {
	one, two := 1, 2
	return &civicspace.RankingResult{
		Target: civicspace.Target{Level: civicspace.LevelRating, Title: "Civic space rating"}, Period: "2025", Kind: civicspace.KindShadow, MinCoverage: 0.5,
		Rows: []civicspace.RankingRow{
			{Rank: &one, Country: "NOR", Name: "Norway", M49: "578", Kind: civicspace.KindShadow, Score: civicspace.Float(75), Coverage: civicspace.Float(0.85), Status: "narrowed", AssessmentID: "a1", Version: 3},
			{Rank: &two, Country: "KEN", Name: "Kenya", M49: "404", Kind: civicspace.KindShadow, Score: civicspace.Float(30.5), Coverage: civicspace.Float(0.8), Status: "repressed", AssessmentID: "a2", Version: 2},
			{Country: "XAA", Name: "-demo", Kind: civicspace.KindShadow, Flag: civicspace.FlagMissing, AssessmentID: "a3", Version: 1},
		},
	}
}

// A ranking as CSV: missing values are empty cells, and text that a
// spreadsheet would run as a formula is neutralised.
func ExampleRankingCSV() {
	var b bytes.Buffer
	if err := report.RankingCSV(&b, exampleRanking()); err != nil {
		panic(err)
	}
	fmt.Print(lf(b.String()))
	// Output:
	// target_level,target_id,period,kind,rank,country,name,m49,score,coverage,status,flag,assessment_id,version
	// rating,,2025,shadow,1,NOR,Norway,578,75,0.85,narrowed,,a1,3
	// rating,,2025,shadow,2,KEN,Kenya,404,30.5,0.8,repressed,,a2,2
	// rating,,2025,shadow,,XAA,'-demo,,,,,missing,a3,1
}

// The same ranking as SDMX-CSV 2.0.0: REF_AREA is the M49 code, the
// rating is the total (_T), and a user-assigned demo code keeps its alpha-3
// code.
func ExampleRankingSDMX() {
	var b bytes.Buffer
	if err := report.RankingSDMX(&b, exampleRanking()); err != nil {
		panic(err)
	}
	fmt.Print(lf(b.String()))
	// Output:
	// STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,ASSESSMENT_KIND,FRAMEWORK,MEASURE,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,STATUS
	// dataflow,CIVICSPACE:DF_CIVIC_SPACE(1.0),I,A,578,SHADOW,_T,SCORE,2025,75,IX,A,narrowed
	// dataflow,CIVICSPACE:DF_CIVIC_SPACE(1.0),I,A,578,SHADOW,_T,COVERAGE,2025,85,PT,A,
	// dataflow,CIVICSPACE:DF_CIVIC_SPACE(1.0),I,A,578,SHADOW,_T,RANK,2025,1,NUMBER,A,
	// dataflow,CIVICSPACE:DF_CIVIC_SPACE(1.0),I,A,404,SHADOW,_T,SCORE,2025,30.5,IX,A,repressed
	// dataflow,CIVICSPACE:DF_CIVIC_SPACE(1.0),I,A,404,SHADOW,_T,COVERAGE,2025,80,PT,A,
	// dataflow,CIVICSPACE:DF_CIVIC_SPACE(1.0),I,A,404,SHADOW,_T,RANK,2025,2,NUMBER,A,
	// dataflow,CIVICSPACE:DF_CIVIC_SPACE(1.0),I,A,XAA,SHADOW,_T,SCORE,2025,,IX,O,missing
	// dataflow,CIVICSPACE:DF_CIVIC_SPACE(1.0),I,A,XAA,SHADOW,_T,COVERAGE,2025,,PT,O,
	// dataflow,CIVICSPACE:DF_CIVIC_SPACE(1.0),I,A,XAA,SHADOW,_T,RANK,2025,,NUMBER,O,missing
}

// SDMX-CSV 1.0.0, for tools of the SDMX 2.1 generation: one DATAFLOW
// column in place of STRUCTURE, STRUCTURE_ID and ACTION.
func ExampleWithSDMXVersion1() {
	var b bytes.Buffer
	if err := report.Write(&b, report.SDMX1, exampleRanking()); err != nil {
		panic(err)
	}
	lines := strings.Split(lf(b.String()), "\n")
	fmt.Println(lines[0])
	fmt.Println(lines[1])
	// Output:
	// DATAFLOW,FREQ,REF_AREA,ASSESSMENT_KIND,FRAMEWORK,MEASURE,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,STATUS
	// CIVICSPACE:DF_CIVIC_SPACE(1.0),A,578,SHADOW,_T,SCORE,2025,75,IX,A,narrowed
}

// Negotiate serves the format an Accept header prefers.
func ExampleNegotiate() {
	f, ok := report.Negotiate("text/csv;q=0.8, image/svg+xml", report.FormatsFor(exampleRanking())...)
	fmt.Println(f, ok, f.ContentType())
	// Output:
	// svg true image/svg+xml
}
