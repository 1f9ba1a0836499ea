package sqlite_test

import (
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/storetest"
)

func TestPublications(t *testing.T) {
	storetest.RunPublications(t, func(t *testing.T) civicspace.PublicationLister { return open(t).(civicspace.PublicationLister) })
}
