package civicspace_test

import (
	"testing"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

var (
	cmtAssessor = &civicspace.Principal{KeyID: "a", Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}, Organisation: "Ministry of Foreign Affairs"}
	cmtReviewer = &civicspace.Principal{KeyID: "r", Role: civicspace.RoleReviewer, Subjects: []string{"NOR"}}
	cmtWatchdog = &civicspace.Principal{KeyID: "w", Role: civicspace.RoleWatchdog, Organisation: "Civic Watch"}
	cmtAdmin    = &civicspace.Principal{KeyID: "x", Role: civicspace.RoleAdmin}
)

func cmtRecord(published int, countries ...string) *civicspace.CommitmentRecord {
	return &civicspace.CommitmentRecord{ID: "cmt_1", Version: 3, PublishedVersion: published, Commitment: *validCommitment(countries...)}
}

func TestAuthorizeCommitmentWrite(t *testing.T) {
	tests := []struct {
		name    string
		p       *civicspace.Principal
		action  civicspace.Action
		rec     *civicspace.CommitmentRecord
		content *civicspace.Commitment
		code    string
		pointer string
	}{
		{"anonymous creates", civicspace.Anonymous, civicspace.ActionCreate, nil, validCommitment("NOR"), civicspace.EUNAUTHORIZED, ""},
		{"assessor creates own", cmtAssessor, civicspace.ActionCreate, nil, validCommitment("NOR"), "", ""},
		{"assessor creates a joint one of its country", cmtAssessor, civicspace.ActionCreate, nil, validCommitment("CZE", "NOR"), "", ""},
		{"assessor creates another country's", cmtAssessor, civicspace.ActionCreate, nil, validCommitment("SWE"), civicspace.EFORBIDDEN, "/subject/countries"},
		{"assessor updates own draft", cmtAssessor, civicspace.ActionUpdate, cmtRecord(0, "NOR"), validCommitment("NOR"), "", ""},
		{"assessor moves own to another country", cmtAssessor, civicspace.ActionUpdate, cmtRecord(0, "NOR"), validCommitment("SWE"), civicspace.EFORBIDDEN, "/subject/countries"},
		{"assessor publishes own", cmtAssessor, civicspace.ActionPublish, cmtRecord(0, "NOR"), nil, civicspace.EFORBIDDEN, ""},
		{"assessor updates another's draft", cmtAssessor, civicspace.ActionUpdate, cmtRecord(0, "SWE"), validCommitment("SWE"), civicspace.ENOTFOUND, ""},
		{"assessor corrects another's published", cmtAssessor, civicspace.ActionCorrect, cmtRecord(2, "SWE"), nil, civicspace.EFORBIDDEN, ""},
		{"reviewer publishes own", cmtReviewer, civicspace.ActionPublish, cmtRecord(0, "NOR"), nil, "", ""},
		{"reviewer publishes a joint one of its country", cmtReviewer, civicspace.ActionPublish, cmtRecord(0, "SWE", "NOR"), nil, "", ""},
		{"reviewer creates", cmtReviewer, civicspace.ActionCreate, nil, validCommitment("NOR"), civicspace.EFORBIDDEN, ""},
		{"watchdog creates", cmtWatchdog, civicspace.ActionCreate, nil, validCommitment("NOR"), civicspace.EFORBIDDEN, ""},
		{"watchdog withdraws a published one", cmtWatchdog, civicspace.ActionWithdraw, cmtRecord(2, "NOR"), nil, civicspace.EFORBIDDEN, ""},
		{"watchdog touches a draft", cmtWatchdog, civicspace.ActionPublish, cmtRecord(0, "NOR"), nil, civicspace.ENOTFOUND, ""},
		{"admin does anything", cmtAdmin, civicspace.ActionPublish, cmtRecord(0, "SWE"), nil, "", ""},
		{"admin creates any", cmtAdmin, civicspace.ActionCreate, nil, validCommitment("SWE"), "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := civicspace.AuthorizeCommitmentWrite(tc.p, tc.action, tc.rec, tc.content)
			require.Equal(t, tc.code, civicspace.ErrorCode(err), "%v", err)
			if tc.pointer != "" {
				require.Equal(t, tc.pointer, civicspace.ErrorProblems(err)[0].Pointer)
			}
		})
	}
}

func TestAuthorizeProgressReport(t *testing.T) {
	govt := func(org string) *civicspace.ProgressReport {
		return &civicspace.ProgressReport{Reporter: civicspace.Reporter{Kind: civicspace.ReporterGovernment, Organisation: org}}
	}
	indep := func(org string) *civicspace.ProgressReport {
		return &civicspace.ProgressReport{Reporter: civicspace.Reporter{Kind: civicspace.ReporterIndependent, Organisation: org}}
	}
	tests := []struct {
		name    string
		p       *civicspace.Principal
		rec     *civicspace.CommitmentRecord
		r       *civicspace.ProgressReport
		code    string
		pointer string
	}{
		{"anonymous", civicspace.Anonymous, cmtRecord(2, "NOR"), govt("x"), civicspace.EUNAUTHORIZED, ""},
		{"assessor reports its government's", cmtAssessor, cmtRecord(2, "NOR"), govt("Ministry of Foreign Affairs"), "", ""},
		{"assessor reports on a joint one", cmtAssessor, cmtRecord(2, "SWE", "NOR"), govt("Ministry of Foreign Affairs"), "", ""},
		{"assessor as another organisation", cmtAssessor, cmtRecord(2, "NOR"), govt("Prime Minister's Office"), civicspace.EFORBIDDEN, "/reporter/organisation"},
		{"assessor files an independent review", cmtAssessor, cmtRecord(2, "NOR"), indep("Ministry of Foreign Affairs"), civicspace.EFORBIDDEN, "/reporter/kind"},
		{"assessor reports another government's", cmtAssessor, cmtRecord(2, "SWE"), govt("Ministry of Foreign Affairs"), civicspace.EFORBIDDEN, ""},
		{"assessor on another's draft", cmtAssessor, cmtRecord(0, "SWE"), govt("Ministry of Foreign Affairs"), civicspace.ENOTFOUND, ""},
		{"watchdog reviews", cmtWatchdog, cmtRecord(2, "SWE"), indep("Civic Watch"), "", ""},
		{"watchdog as another organisation", cmtWatchdog, cmtRecord(2, "SWE"), indep("Other Watch"), civicspace.EFORBIDDEN, "/reporter/organisation"},
		{"watchdog poses as the government", cmtWatchdog, cmtRecord(2, "SWE"), govt("Civic Watch"), civicspace.EFORBIDDEN, "/reporter/kind"},
		{"watchdog on a draft", cmtWatchdog, cmtRecord(0, "SWE"), indep("Civic Watch"), civicspace.ENOTFOUND, ""},
		{"reviewer reports", cmtReviewer, cmtRecord(2, "NOR"), govt("x"), civicspace.EFORBIDDEN, ""},
		{"admin files anything", cmtAdmin, cmtRecord(0, "SWE"), indep("Anyone"), "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := civicspace.AuthorizeProgressReport(tc.p, tc.rec, tc.r)
			require.Equal(t, tc.code, civicspace.ErrorCode(err), "%v", err)
			if tc.pointer != "" {
				require.Equal(t, tc.pointer, civicspace.ErrorProblems(err)[0].Pointer)
			}
		})
	}
}

func TestAuthorizeCommitmentRead(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    *civicspace.Principal
		rec  *civicspace.CommitmentRecord
		full bool
		code string
	}{
		{"anonymous, published", civicspace.Anonymous, cmtRecord(2, "NOR"), false, ""},
		{"anonymous, draft", civicspace.Anonymous, cmtRecord(0, "NOR"), false, civicspace.ENOTFOUND},
		{"watchdog, draft", cmtWatchdog, cmtRecord(0, "NOR"), false, civicspace.ENOTFOUND},
		{"assessor, own draft", cmtAssessor, cmtRecord(0, "NOR"), true, ""},
		{"reviewer, another's published", cmtReviewer, cmtRecord(2, "SWE"), false, ""},
		{"admin, draft", cmtAdmin, cmtRecord(0, "SWE"), true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full, err := civicspace.AuthorizeCommitmentRead(tc.p, tc.rec)
			require.Equal(t, tc.code, civicspace.ErrorCode(err))
			require.Equal(t, tc.full, full)
		})
	}
	rev := func(status civicspace.AssessmentStatus) *civicspace.CommitmentRevision {
		return &civicspace.CommitmentRevision{Status: status, Commitment: *validCommitment("NOR")}
	}
	require.True(t, civicspace.CanReadCommitmentRevision(civicspace.Anonymous, cmtRecord(2, "NOR"), rev(civicspace.Published)))
	require.False(t, civicspace.CanReadCommitmentRevision(civicspace.Anonymous, cmtRecord(2, "NOR"), rev(civicspace.Draft)))
	require.False(t, civicspace.CanReadCommitmentRevision(civicspace.Anonymous, cmtRecord(0, "NOR"), rev(civicspace.Published)), "withdrawn")
	require.True(t, civicspace.CanReadCommitmentRevision(cmtAssessor, cmtRecord(0, "NOR"), rev(civicspace.Draft)))
}

func TestCommitmentListScope(t *testing.T) {
	f := civicspace.CommitmentFilter{Country: "NOR"}
	require.False(t, civicspace.CommitmentListScope(cmtAssessor, f).PublishedOnly, "its own country, drafts included")
	require.True(t, civicspace.CommitmentListScope(cmtAssessor, civicspace.CommitmentFilter{Country: "SWE"}).PublishedOnly)
	require.True(t, civicspace.CommitmentListScope(cmtReviewer, civicspace.CommitmentFilter{}).PublishedOnly, "all countries: published only")
	require.True(t, civicspace.CommitmentListScope(cmtWatchdog, f).PublishedOnly)
	require.True(t, civicspace.CommitmentListScope(civicspace.Anonymous, f).PublishedOnly)
	require.False(t, civicspace.CommitmentListScope(cmtAdmin, civicspace.CommitmentFilter{}).PublishedOnly)
}
