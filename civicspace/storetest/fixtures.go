package storetest

import (
	"context"
	"fmt"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// Fixture returns an assessment of a country for a period with a few
// answers of every shape (boolean with evidence, number, choice, explicit
// status).
func Fixture(country, period string, kind civicspace.Kind) *civicspace.Assessment {
	return &civicspace.Assessment{
		Subject: civicspace.Subject{Country: country},
		Roles:   []civicspace.Role{civicspace.RoleDomestic, civicspace.RoleDonor},
		Period:  civicspace.MustPeriod(period),
		Kind:    kind,
		Author:  "Ministry of Justice of " + country,
		Title:   fmt.Sprintf("%s %s %s assessment", country, period, kind),
		Answers: map[string]civicspace.Answer{
			"ind-law": {
				Value:    civicspace.BoolValue(true),
				Evidence: []civicspace.Evidence{{Title: "Associations Act", URL: "https://example.org/act", Date: "2024-03-01"}},
				Comment:  "in force since 2024",
			},
			"ind-registrations": {Value: civicspace.NumberValue(1250)},
			"ind-level":         {Value: civicspace.NumberValue(2.5)},
			"ind-funding":       {Value: civicspace.OptionValue("partial")},
			"ind-consultation":  {Status: civicspace.AnswerUnknown, Comment: "no data yet"},
		},
	}
}

// OrgFixture returns an assessment of an organisation.
func OrgFixture(org, period string, kind civicspace.Kind) *civicspace.Assessment {
	a := Fixture("", period, kind)
	a.Subject = civicspace.Subject{Organisation: org}
	a.Author, a.Title = "Watchdog network", org+" "+period
	return a
}

// pathTo lists the lifecycle actions that bring a new draft to status.
func pathTo(status civicspace.AssessmentStatus) []civicspace.Action {
	switch status {
	case civicspace.Submitted:
		return []civicspace.Action{civicspace.ActionSubmit}
	case civicspace.Published:
		return []civicspace.Action{civicspace.ActionSubmit, civicspace.ActionPublish}
	case civicspace.Withdrawn:
		return []civicspace.Action{civicspace.ActionSubmit, civicspace.ActionPublish, civicspace.ActionWithdraw}
	}
	return nil
}

// createIn creates a and moves it to status.
func createIn(ctx context.Context, t require.TestingT, s civicspace.AssessmentStore, a *civicspace.Assessment, status civicspace.AssessmentStatus) *civicspace.Record {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	rec, err := s.CreateAssessment(ctx, a, "alice")
	require.NoError(t, err)
	for _, action := range pathTo(status) {
		rec = transition(ctx, t, s, rec, action)
	}
	require.Equal(t, status, rec.Status)
	return rec
}

// transition makes a lifecycle move that must succeed.
func transition(ctx context.Context, t require.TestingT, s civicspace.AssessmentStore, rec *civicspace.Record, action civicspace.Action) *civicspace.Record {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	next, err := s.TransitionAssessment(ctx, rec.ID, rec.Version, action, "bob", "")
	require.NoError(t, err, "%s %s at version %d", action, rec.ID, rec.Version)
	return next
}

// requireCode asserts err is a civicspace error with the code.
func requireCode(t require.TestingT, code string, err error, msgAndArgs ...any) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	require.Error(t, err, msgAndArgs...)
	require.Equal(t, code, civicspace.ErrorCode(err), "error: %v", err)
}
