package civicspace_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/civicspace/civicspace/civicspace/sqlite"
)

// The Service decides who may do what: each call reads the caller from its
// context. Here a ministry's assessor drafts and submits its government's
// self assessment, is refused the publication, and the country's reviewer
// publishes it; the public then reads the published revision.
func ExampleService() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "civicspace-example")
	defer os.RemoveAll(dir)
	store, err := sqlite.Open(ctx, filepath.Join(dir, "civicspace.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	scorer, err := opa.NewScorer(civicspace.DefaultCatalog())
	if err != nil {
		fmt.Println(err)
		return
	}
	svc := &civicspace.Service{Catalog: civicspace.DefaultCatalog(), Countries: civicspace.DefaultCountries(), Store: store, Scorer: scorer}

	data, _ := os.ReadFile("../examples/assessments/open-xaa.json")
	a, _ := civicspace.ParseAssessment(data)
	assessor := civicspace.NewContextWithPrincipal(ctx, &civicspace.Principal{
		KeyID: "asr1", Role: civicspace.RoleAssessor, Subjects: []string{"XAA"}, Organisation: a.Author})
	reviewer := civicspace.NewContextWithPrincipal(ctx, &civicspace.Principal{
		KeyID: "rev1", Role: civicspace.RoleReviewer, Subjects: []string{"XAA"}})

	rec, problems, _ := svc.CreateAssessment(assessor, a)
	fmt.Println("created:", rec.Status, len(problems), "problems")
	rec, _, _ = svc.Transition(assessor, rec.ID, rec.Version, civicspace.ActionSubmit, "ready for review")
	fmt.Println("submitted:", rec.Status)
	_, _, err = svc.Transition(assessor, rec.ID, rec.Version, civicspace.ActionPublish, "")
	fmt.Println("the assessor publishes:", civicspace.ErrorCode(err))
	rec, _, _ = svc.Transition(reviewer, rec.ID, rec.Version, civicspace.ActionPublish, "")
	fmt.Println("the reviewer publishes:", rec.Status, "version", rec.Version)

	public, _, err := svc.Assessment(ctx, rec.ID) // no principal: the public
	fmt.Println("the public reads:", public.Status, err)
	sc, _ := svc.StoredScore(ctx, rec.ID, 0)
	fmt.Println("its score is stored:", sc.Band != "")
	// Output:
	// created: draft 0 problems
	// submitted: submitted
	// the assessor publishes: forbidden
	// the reviewer publishes: published version 3
	// the public reads: published <nil>
	// its score is stored: true
}
