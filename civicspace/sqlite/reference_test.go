package sqlite_test

import (
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/storetest"
)

func TestReference(t *testing.T) {
	storetest.RunReference(t, func(t *testing.T) civicspace.ReferenceStore { return open(t) })
}
