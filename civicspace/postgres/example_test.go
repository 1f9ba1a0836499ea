package postgres_test

import (
	"context"
	"log"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/postgres"
)

// Replicas behind a load balancer each open the same database; the first
// to start creates the schema, the others wait for it and find it done.
func ExampleOpen() {
	ctx := context.Background()
	store, err := postgres.Open(ctx, "postgres://civicspace@db.internal:5432/civicspace?pool_max_conns=10",
		postgres.WithSchema("civicspace"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	page, err := store.ListAssessments(ctx, civicspace.AssessmentFilter{Country: "KEN", PublishedOnly: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, rec := range page.Records {
		log.Println(rec.ID, rec.Assessment.Period, rec.PublishedVersion)
	}
}
