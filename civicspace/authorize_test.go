package civicspace_test

import (
	"strings"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

func TestAuthorizeWrite(t *testing.T) {
	assessor := &civicspace.Principal{KeyID: "a", Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}, Organisation: "MoJ"}
	reviewer := &civicspace.Principal{KeyID: "r", Role: civicspace.RoleReviewer, Subjects: []string{"NOR"}}
	watchdog := &civicspace.Principal{KeyID: "w", Role: civicspace.RoleWatchdog, Organisation: "Watch"}
	admin := &civicspace.Principal{KeyID: "x", Role: civicspace.RoleAdmin}
	self := func(country string, published int) *civicspace.Record {
		return &civicspace.Record{ID: "asm_1", PublishedVersion: published, Assessment: civicspace.Assessment{
			Subject: civicspace.Subject{Country: country}, Kind: civicspace.KindSelf, Author: "MoJ"}}
	}
	shadow := &civicspace.Record{ID: "asm_2", Assessment: civicspace.Assessment{
		Subject: civicspace.Subject{Country: "NOR"}, Kind: civicspace.KindShadow, Author: "Watch"}}
	content := func(country string, kind civicspace.Kind, author string) *civicspace.Assessment {
		return &civicspace.Assessment{Subject: civicspace.Subject{Country: country}, Kind: kind, Author: author}
	}
	tests := []struct {
		name    string
		p       *civicspace.Principal
		action  civicspace.Action
		rec     *civicspace.Record
		content *civicspace.Assessment
		code    string
		pointer string
	}{
		{"anonymous creates", civicspace.Anonymous, civicspace.ActionCreate, nil, content("NOR", "self", "MoJ"), civicspace.EUNAUTHORIZED, ""},
		{"assessor creates own", assessor, civicspace.ActionCreate, nil, content("NOR", "self", "MoJ"), "", ""},
		{"assessor creates other subject", assessor, civicspace.ActionCreate, nil, content("SWE", "self", "MoJ"), civicspace.EFORBIDDEN, "/subject"},
		{"assessor creates shadow", assessor, civicspace.ActionCreate, nil, content("NOR", "shadow", "MoJ"), civicspace.EFORBIDDEN, "/kind"},
		{"assessor forges author", assessor, civicspace.ActionCreate, nil, content("NOR", "self", "Someone"), civicspace.EFORBIDDEN, "/author"},
		{"assessor submits own", assessor, civicspace.ActionSubmit, self("NOR", 0), nil, "", ""},
		{"assessor publishes own", assessor, civicspace.ActionPublish, self("NOR", 0), nil, civicspace.EFORBIDDEN, ""},
		{"assessor updates other's draft", assessor, civicspace.ActionUpdate, self("SWE", 0), content("SWE", "self", "MoJ"), civicspace.ENOTFOUND, ""},
		{"assessor updates other's published", assessor, civicspace.ActionCorrect, self("SWE", 2), nil, civicspace.EFORBIDDEN, ""},
		{"assessor moves own to other subject", assessor, civicspace.ActionUpdate, self("NOR", 0), content("SWE", "self", "MoJ"), civicspace.EFORBIDDEN, "/subject"},
		{"assessor touches shadow of own subject", assessor, civicspace.ActionUpdate, shadow, content("NOR", "self", "MoJ"), civicspace.ENOTFOUND, ""},
		{"reviewer publishes own", reviewer, civicspace.ActionPublish, self("NOR", 0), nil, "", ""},
		{"reviewer withdraws shadow of own subject", reviewer, civicspace.ActionWithdraw, shadow, nil, civicspace.ENOTFOUND, ""},
		{"reviewer creates", reviewer, civicspace.ActionCreate, nil, content("NOR", "self", "MoJ"), civicspace.EFORBIDDEN, ""},
		{"watchdog creates shadow", watchdog, civicspace.ActionCreate, nil, content("SWE", "shadow", "Watch"), "", ""},
		{"watchdog creates self", watchdog, civicspace.ActionCreate, nil, content("SWE", "self", "Watch"), civicspace.EFORBIDDEN, "/kind"},
		{"watchdog as another author", watchdog, civicspace.ActionCreate, nil, content("SWE", "shadow", "Other"), civicspace.EFORBIDDEN, "/author"},
		{"watchdog publishes own shadow", watchdog, civicspace.ActionPublish, shadow, nil, "", ""},
		{"watchdog publishes a government's", watchdog, civicspace.ActionPublish, self("NOR", 0), nil, civicspace.ENOTFOUND, ""},
		{"admin does anything", admin, civicspace.ActionPublish, self("SWE", 0), nil, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := civicspace.AuthorizeWrite(tc.p, tc.action, tc.rec, tc.content)
			require.Equal(t, tc.code, civicspace.ErrorCode(err), "%v", err)
			if tc.pointer != "" {
				ps := civicspace.ErrorProblems(err)
				require.Len(t, ps, 1)
				require.Equal(t, tc.pointer, ps[0].Pointer)
			}
		})
	}
}

func TestAuthorizeRead(t *testing.T) {
	assessor := &civicspace.Principal{KeyID: "a", Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}}
	draft := &civicspace.Record{ID: "asm_1", Assessment: civicspace.Assessment{Subject: civicspace.Subject{Country: "NOR"}, Kind: civicspace.KindSelf}}
	full, err := civicspace.AuthorizeRead(assessor, draft)
	require.NoError(t, err)
	require.True(t, full)
	_, err = civicspace.AuthorizeRead(civicspace.Anonymous, draft)
	require.Equal(t, civicspace.ENOTFOUND, civicspace.ErrorCode(err), "a draft does not exist for the public")
	published := *draft
	published.PublishedVersion = 3
	full, err = civicspace.AuthorizeRead(nil, &published)
	require.NoError(t, err)
	require.False(t, full, "the public reads the published revision only")

	require.Equal(t, civicspace.EUNAUTHORIZED, civicspace.ErrorCode(civicspace.Authorize(nil, "admin")))
	require.Equal(t, civicspace.EFORBIDDEN, civicspace.ErrorCode(civicspace.Authorize(assessor, "admin")))
	require.NoError(t, civicspace.Authorize(assessor, "authenticated"))
}

func TestAPIKey(t *testing.T) {
	now := time.Now()
	secret, k, err := civicspace.NewAPIKey(civicspace.KeySpec{Role: civicspace.RoleWatchdog, Organisation: "Watch"}, "cli", now)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(secret, "csk_"+k.ID+"_"))
	require.GreaterOrEqual(t, len(secret), len("csk_")+8+1+43, "256 bits of secret")
	id, err := civicspace.ParseAPIKey(secret)
	require.NoError(t, err)
	require.Equal(t, k.ID, id)
	require.NoError(t, k.Verify(secret, now))
	require.NotContains(t, string(k.Hash), secret)
	_, err = civicspace.ParseAPIKey("Bearer nonsense")
	require.Equal(t, civicspace.EUNAUTHORIZED, civicspace.ErrorCode(err))

	_, _, err = civicspace.NewAPIKey(civicspace.KeySpec{Role: civicspace.RoleAssessor}, "cli", now)
	require.Equal(t, "/subjects", civicspace.ErrorProblems(err)[0].Pointer)
	_, _, err = civicspace.NewAPIKey(civicspace.KeySpec{Role: civicspace.RoleWatchdog}, "cli", now)
	require.Equal(t, "/organisation", civicspace.ErrorProblems(err)[0].Pointer)
	_, _, err = civicspace.NewAPIKey(civicspace.KeySpec{Role: "root"}, "cli", now)
	require.Equal(t, "/role", civicspace.ErrorProblems(err)[0].Pointer)

	// A subject is a known country code, upper case, a user-assigned
	// code, or org:NAME: a key scoped to anything else could never write.
	for sub, ok := range map[string]bool{"NOR": true, "XAA": true, "QMZ": true, "org:Nordic Council": true,
		"ABC": false, "xaa": false, "nor": false, "NO": false, "org:": false, "org: ": false, "": false} {
		_, _, err = civicspace.NewAPIKey(civicspace.KeySpec{Role: civicspace.RoleAssessor, Subjects: []string{sub}}, "cli", now)
		if ok {
			require.NoError(t, err, sub)
			continue
		}
		require.Equal(t, "/subjects/0", civicspace.ErrorProblems(err)[0].Pointer, sub)
	}
}

// TestListScope checks what each caller lists: an admin everything, an
// owner what it owns (drafts included) beside what is published, anyone
// else (and a key without the scope its role needs) only what is
// published; and that Owns, which opens one record, reads the same
// Ownership.
func TestListScope(t *testing.T) {
	f := civicspace.AssessmentFilter{Country: "NOR", PageSize: 10}
	for _, tc := range []struct {
		name string
		p    *civicspace.Principal
		want civicspace.AssessmentFilter
	}{
		{"admin", &civicspace.Principal{KeyID: "x", Role: civicspace.RoleAdmin}, f},
		{"anonymous", civicspace.Anonymous, civicspace.AssessmentFilter{Country: "NOR", PageSize: 10, PublishedOnly: true}},
		{"nil", nil, civicspace.AssessmentFilter{Country: "NOR", PageSize: 10, PublishedOnly: true}},
		{"assessor", &civicspace.Principal{KeyID: "a", Role: civicspace.RoleAssessor, Subjects: []string{"NOR", "org:X"}, Organisation: "MoJ"},
			civicspace.AssessmentFilter{Country: "NOR", PageSize: 10, Visible: &civicspace.Ownership{Kind: civicspace.KindSelf, Subjects: []string{"NOR", "org:X"}}}},
		{"reviewer", &civicspace.Principal{KeyID: "r", Role: civicspace.RoleReviewer, Subjects: []string{"SWE"}},
			civicspace.AssessmentFilter{Country: "NOR", PageSize: 10, Visible: &civicspace.Ownership{Kind: civicspace.KindSelf, Subjects: []string{"SWE"}}}},
		{"watchdog", &civicspace.Principal{KeyID: "w", Role: civicspace.RoleWatchdog, Organisation: "Watch"},
			civicspace.AssessmentFilter{Country: "NOR", PageSize: 10, Visible: &civicspace.Ownership{Kind: civicspace.KindShadow, Author: "Watch"}}},
		{"watchdog without organisation", &civicspace.Principal{KeyID: "w", Role: civicspace.RoleWatchdog},
			civicspace.AssessmentFilter{Country: "NOR", PageSize: 10, PublishedOnly: true}},
		{"assessor without subjects", &civicspace.Principal{KeyID: "a", Role: civicspace.RoleAssessor},
			civicspace.AssessmentFilter{Country: "NOR", PageSize: 10, PublishedOnly: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, civicspace.ListScope(tc.p, f))
		})
	}

	assessments := map[string]*civicspace.Assessment{
		"NOR self by MoJ":     {Subject: civicspace.Subject{Country: "NOR"}, Kind: civicspace.KindSelf, Author: "MoJ"},
		"NOR self by other":   {Subject: civicspace.Subject{Country: "NOR"}, Kind: civicspace.KindSelf, Author: "Other"},
		"SWE self":            {Subject: civicspace.Subject{Country: "SWE"}, Kind: civicspace.KindSelf, Author: "MoJ"},
		"NOR shadow by Watch": {Subject: civicspace.Subject{Country: "NOR"}, Kind: civicspace.KindShadow, Author: "Watch"},
		"SWE shadow by Watch": {Subject: civicspace.Subject{Country: "SWE"}, Kind: civicspace.KindShadow, Author: "Watch"},
		"NOR shadow by other": {Subject: civicspace.Subject{Country: "NOR"}, Kind: civicspace.KindShadow, Author: "Other"},
		"org X self":          {Subject: civicspace.Subject{Organisation: "X"}, Kind: civicspace.KindSelf, Author: "X"},
	}
	for _, tc := range []struct {
		p    *civicspace.Principal
		owns []string
	}{
		{&civicspace.Principal{KeyID: "a", Role: civicspace.RoleAssessor, Subjects: []string{"NOR", "org:X"}}, []string{"NOR self by MoJ", "NOR self by other", "org X self"}},
		{&civicspace.Principal{KeyID: "w", Role: civicspace.RoleWatchdog, Organisation: "Watch"}, []string{"NOR shadow by Watch", "SWE shadow by Watch"}},
		{&civicspace.Principal{KeyID: "w", Role: civicspace.RoleWatchdog}, nil},
		{&civicspace.Principal{KeyID: "r", Role: civicspace.RoleReviewer, Subjects: []string{}}, nil},
		{civicspace.Anonymous, nil},
	} {
		for name, a := range assessments {
			want := false
			for _, o := range tc.owns {
				want = want || o == name
			}
			require.Equal(t, want, tc.p.Owns(a), "%s %v owns %s", tc.p.Role, tc.p.Subjects, name)
			require.Equal(t, want, tc.p.Ownership().Owns(a), "%s %v: Ownership agrees on %s", tc.p.Role, tc.p.Subjects, name)
		}
	}
	require.False(t, (&civicspace.Ownership{Kind: civicspace.KindSelf}).Owns(assessments["NOR self by MoJ"]), "an empty scope owns nothing")
}
