package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/sqlite"
)

// A government saves a draft self-assessment, corrects it with the version
// it read, submits and publishes it; readers then find it among the latest
// publications.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "civicspace-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	store, err := sqlite.Open(ctx, filepath.Join(dir, "civicspace.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	a := &civicspace.Assessment{
		Subject: civicspace.Subject{Country: "NOR"},
		Roles:   []civicspace.Role{civicspace.RoleDomestic},
		Period:  civicspace.MustPeriod("2025"),
		Kind:    civicspace.KindSelf,
		Author:  "Ministry of Culture and Equality",
		Answers: map[string]civicspace.Answer{"ind-registration": {Value: civicspace.BoolValue(true)}},
	}
	rec, err := store.CreateAssessment(ctx, a, "alice")
	if err != nil {
		log.Fatal(err)
	}
	a.Answers["ind-funding"] = civicspace.Answer{Value: civicspace.NumberValue(40)}
	rec, err = store.UpdateAssessment(ctx, rec.ID, rec.Version, a, "alice", "added funding")
	if err != nil {
		log.Fatal(err)
	}
	// A second writer that read version 1 is refused, not silently applied.
	_, err = store.UpdateAssessment(ctx, rec.ID, 1, a, "bob", "")
	fmt.Println("stale write:", civicspace.ErrorCode(err))

	for _, action := range []civicspace.Action{civicspace.ActionSubmit, civicspace.ActionPublish} {
		if rec, err = store.TransitionAssessment(ctx, rec.ID, rec.Version, action, "rita", ""); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("status:", rec.Status, "version:", rec.Version, "published version:", rec.PublishedVersion)

	revs, err := store.Revisions(ctx, rec.ID)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range revs {
		fmt.Printf("%d %s by %s, changed %q\n", r.Version, r.Action, r.Actor, r.Changes)
	}

	latest, err := store.LatestPublished(ctx, civicspace.PublishedFilter{Countries: []string{"NOR"}, Period: "2025"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("readers see version", latest[0].Version, "with", len(latest[0].Assessment.Answers), "answers")
	// Output:
	// stale write: conflict
	// status: published version: 4 published version: 4
	// 1 create by alice, changed [""]
	// 2 update by alice, changed ["/answers/ind-funding"]
	// 3 submit by rita, changed []
	// 4 publish by rita, changed []
	// readers see version 4 with 2 answers
}
