package civicspace

import (
	"context"
	"slices"
	"strings"
)

// The authorization rules, all of them, as functions of the principal and
// the thing acted on. The Service applies them in every use case (it
// reads the caller from the context), so the REST API, the command line
// and any other front end get the same answers; they take the record
// rather than loading it, so they stay pure and are tested as a table.
//
// Who owns an assessment's unpublished states:
//   - an assessor or reviewer, for the self assessments of its subjects;
//   - a watchdog, for the shadow assessments its organisation authors;
//   - an admin, for everything.
//
// Who may write a draft: a self assessment belongs to the organisation
// that authors it. An assessor writes (creates, updates, deletes,
// submits) only its subjects' self assessments authored by its own
// organisation, and an assessor key without an organisation writes none;
// a reviewer decides on every self assessment of its subjects, whoever
// authored it; a watchdog writes its organisation's shadow assessments.
// No one but an admin changes the author of an assessment.
//
// Everyone else sees only published revisions, and an assessment without
// one does not exist for them (ENOTFOUND, never EFORBIDDEN: the answer
// must not tell that a government has a draft).

// access is what a use case needs, regardless of which record it acts on.
type access string

// The accesses.
const (
	accessPublic        access = "public"        // anyone, with or without a key
	accessAuthenticated access = "authenticated" // any valid key; the record-level rules decide the rest
	accessAdmin         access = "admin"         // admin keys only
)

// operations is the access of every use case, by its name: the name the
// audit trail records and the operationId of the REST API's operation.
// Service.Permit reads it before a front end decodes a request, and each
// use case applies it again (and its record-level rule) itself.
var operations = map[string]access{
	// The catalog, the countries, the comparisons and the summaries.
	"getCatalog": accessPublic, "exportCatalog": accessPublic, "listFrameworks": accessPublic,
	"getFramework": accessPublic, "getRecommendation": accessPublic, "listIndicators": accessPublic,
	"getIndicator": accessPublic, "getCrosswalk": accessPublic, "listCountries": accessPublic,
	"getCountry": accessPublic, "getRanking": accessPublic, "getTrend": accessPublic,
	"getRegionAggregates": accessPublic, "getGap": accessPublic, "getSdmxStructure": accessPublic,
	"getCountryCommitmentSummary": accessPublic, "getWorkstreamCommitmentSummary": accessPublic,
	"getFollowUpCommitmentSummary": accessPublic,

	// Reads of records: everyone reads what is published, owners the rest.
	"listAssessments": accessPublic, "getAssessment": accessPublic, "listRevisions": accessPublic,
	"getRevision": accessPublic, "getAssessmentProblems": accessPublic, "getAssessmentScore": accessPublic,
	"getAssessmentScorecard": accessPublic, "listCommitments": accessPublic, "getCommitment": accessPublic,
	"listCommitmentRevisions": accessPublic, "listProgressReports": accessPublic,

	// Writes of records: a key, then the record-level rules.
	"createAssessment": accessAuthenticated, "updateAssessment": accessAuthenticated,
	"deleteAssessment": accessAuthenticated, "submitAssessment": accessAuthenticated,
	"publishAssessment": accessAuthenticated, "returnAssessment": accessAuthenticated,
	"withdrawAssessment": accessAuthenticated, "correctAssessment": accessAuthenticated,
	"reopenAssessment": accessAuthenticated, "importAssessments": accessAuthenticated,
	"createCommitment": accessAuthenticated,
	"updateCommitment": accessAuthenticated, "publishCommitment": accessAuthenticated,
	"correctCommitment": accessAuthenticated, "withdrawCommitment": accessAuthenticated,
	"reopenCommitment": accessAuthenticated, "createProgressReport": accessAuthenticated,

	// Scoring an inline assessment costs policy evaluations: a key is
	// needed, so that a per-key rate limit can apply.
	"scoreAssessment": accessAuthenticated, "validateAssessment": accessAuthenticated,

	// Administration.
	"rescoreAssessment": accessAdmin, "rescore": accessAdmin, "createKey": accessAdmin,
	"listKeys": accessAdmin, "revokeKey": accessAdmin, "listAudit": accessAdmin,
	"uploadPolicyPack": accessAdmin, "listPolicyPacks": accessAdmin, "getPolicyPack": accessAdmin,
	// The server's own metrics tell about traffic: the operator's.
	"getMetrics": accessAdmin,

	// Probes and documentation.
	"getHealth": accessPublic, "getReadiness": accessPublic, "getOpenAPI": accessPublic,
	"getDocs": accessPublic, "getDocsAsset": accessPublic,
}

// Permit says whether the caller in ctx may attempt operation at all
// (EUNAUTHORIZED without the key it needs, EFORBIDDEN when the key's role
// is not enough), before anything of the request is read: a front end
// asks it first, so that a caller without the right learns nothing about
// the operation's input. The use case itself still decides on the record
// it acts on. An operation the Service does not know is refused.
func (s *Service) Permit(ctx context.Context, operation string) error {
	a, ok := operations[operation]
	if !ok {
		return Errorf(EINTERNAL, "operation %s has no access rule", operation)
	}
	return authorize(PrincipalFromContext(ctx), a)
}

// authorize checks an operation-level access: EUNAUTHORIZED if a key is
// needed and there is none, EFORBIDDEN if the key's role is not enough.
func authorize(p *Principal, a access) error {
	switch a {
	case accessPublic:
		return nil
	case accessAuthenticated:
		if !p.Authenticated() {
			return errNoKey()
		}
		return nil
	case accessAdmin:
		if !p.Authenticated() {
			return errNoKey()
		}
		if p.role() != RoleAdmin {
			return Errorf(EFORBIDDEN, "only an admin key may do this (this key is %s)", p.role())
		}
		return nil
	}
	return Errorf(EINTERNAL, "unknown access %q", a)
}

func errNoKey() error {
	return Errorf(EUNAUTHORIZED, "this operation needs an API key: send it as Authorization: Bearer csk_…")
}

// Ownership describes the assessments a principal owns, as a store can
// select them: those of Kind, and of one of Subjects (when not nil) and by
// Author (when not empty). An Ownership that names neither subjects nor
// an author owns nothing, so that a key with an empty scope never owns
// every assessment of a kind.
type Ownership struct {
	Kind     Kind
	Subjects []string
	Author   string
}

// Owns reports whether o covers a.
func (o *Ownership) Owns(a *Assessment) bool {
	if o == nil || (o.Subjects == nil && o.Author == "") || a.Kind != o.Kind {
		return false
	}
	if o.Subjects != nil && !slices.Contains(o.Subjects, a.Subject.Key()) {
		return false
	}
	return o.Author == "" || a.Author == o.Author
}

// Ownership returns what p owns besides what an admin owns (everything):
// an assessor's or reviewer's subjects' self assessments, a watchdog's
// organisation's shadow assessments. Nil for anyone else, and for a key
// without the scope its role needs.
func (p *Principal) Ownership() *Ownership {
	switch p.role() {
	case RoleAssessor, RoleReviewer:
		if len(p.Subjects) > 0 {
			return &Ownership{Kind: KindSelf, Subjects: slices.Clone(p.Subjects)}
		}
	case RoleWatchdog:
		if p.Organisation != "" {
			return &Ownership{Kind: KindShadow, Author: p.Organisation}
		}
	}
	return nil
}

// Owns reports whether p may see and work on a's unpublished states. It
// and listScope read the same Ownership, so what a caller may open is
// what it lists.
func (p *Principal) Owns(a *Assessment) bool {
	if p.role() == RoleAdmin {
		return true
	}
	return p.Ownership().Owns(a)
}

// authorizeRead decides what of rec p may read: everything (full), only
// its published revision (PublishedVersion), or nothing (ENOTFOUND, as if
// it did not exist).
func authorizeRead(p *Principal, rec *Record) (full bool, err error) {
	if p.Owns(&rec.Assessment) {
		return true, nil
	}
	if rec.PublishedVersion > 0 {
		return false, nil
	}
	return false, Errorf(ENOTFOUND, "assessment %s not found", rec.ID)
}

// canReadRevision reports whether p may read revision version of rec.
// Only published revisions are public; which ones are is known from the
// revisions' statuses.
func canReadRevision(p *Principal, rec *Record, rev *Revision) bool {
	if p.Owns(&rec.Assessment) || p.Owns(&rev.Assessment) {
		return true
	}
	return rev.Status == Published && rec.PublishedVersion > 0
}

// roleActions are the lifecycle actions each role may take on the
// assessments it owns. An assessor writes and submits; a reviewer decides.
// A watchdog's shadow assessment has no reviewer: it is the watchdog's own
// publication, marked shadow and authored by it, so the watchdog runs the
// whole lifecycle of its own and cannot touch anyone else's.
var roleActions = map[KeyRole][]Action{
	RoleAssessor: {ActionCreate, ActionUpdate, ActionDelete, ActionSubmit},
	RoleReviewer: {ActionReturn, ActionPublish, ActionWithdraw, ActionCorrect, ActionReopen},
	RoleWatchdog: {ActionCreate, ActionUpdate, ActionDelete, ActionSubmit, ActionReturn, ActionPublish, ActionWithdraw, ActionCorrect, ActionReopen},
}

// authorizeWrite checks that p may take action on rec (nil for
// ActionCreate) and, for a create or an update, write content. A caller
// who may not even read rec gets ENOTFOUND; one who may read it but not
// do this, EFORBIDDEN; content with a field the caller may not set
// (another's subject, a kind or author not its own) is EFORBIDDEN naming
// the field.
func authorizeWrite(p *Principal, action Action, rec *Record, content *Assessment) error {
	if !p.Authenticated() {
		return errNoKey()
	}
	role := p.role()
	if rec != nil && !p.Owns(&rec.Assessment) {
		if rec.PublishedVersion == 0 {
			return Errorf(ENOTFOUND, "assessment %s not found", rec.ID)
		}
		return Errorf(EFORBIDDEN, "this %s key may not %s assessment %s: %s", role, action, rec.ID, ownerRule(p))
	}
	if role != RoleAdmin && !slices.Contains(roleActions[role], action) {
		return Errorf(EFORBIDDEN, "a %s key may not %s assessments", role, action)
	}
	// A draft belongs to its author: an assessor acts on its own
	// organisation's only (see the rules above).
	if rec != nil && role == RoleAssessor && (p.Organisation == "" || rec.Assessment.Author != p.Organisation) {
		return Errorf(EFORBIDDEN, "this assessor key may not %s assessment %s: it is authored by %q, and an assessor writes the drafts of its own organisation (%s) only",
			action, rec.ID, rec.Assessment.Author, orNone(p.Organisation))
	}
	if content != nil && role != RoleAdmin {
		if ps := contentProblems(p, content); len(ps) > 0 {
			return &Error{Code: EFORBIDDEN, Message: "this " + string(role) + " key may not write this assessment: " + ownerRule(p), Problems: ps}
		}
	}
	return nil
}

// contentProblems lists the fields of content p may not set.
func contentProblems(p *Principal, a *Assessment) []Problem {
	var ps []Problem
	add := func(ptr, detail string) { ps = append(ps, Problem{Pointer: ptr, Detail: detail}) }
	switch p.role() {
	case RoleAssessor, RoleReviewer:
		if !slices.Contains(p.Subjects, a.Subject.Key()) {
			add("/subject", "the subject "+a.Subject.Key()+" is not one of this key's subjects ("+strings.Join(p.Subjects, ", ")+")")
		}
		if a.Kind != KindSelf {
			add("/kind", "an "+string(p.role())+" writes self assessments only, not "+string(a.Kind))
		}
		switch {
		case p.role() == RoleAssessor && p.Organisation == "":
			add("/author", "an assessor key without an organisation writes no assessments: a draft belongs to the organisation that authors it (ask for a key naming yours)")
		case p.Organisation != "" && a.Author != p.Organisation:
			add("/author", "the author must be this key's organisation, "+p.Organisation)
		}
	case RoleWatchdog:
		if a.Kind != KindShadow {
			add("/kind", "a watchdog writes shadow assessments only, not "+string(a.Kind))
		}
		if a.Author != p.Organisation {
			add("/author", "the author of a watchdog's assessment must be its organisation, "+p.Organisation)
		}
	}
	return ps
}

func ownerRule(p *Principal) string {
	switch p.role() {
	case RoleAssessor, RoleReviewer:
		return "it acts on the self assessments of " + strings.Join(p.Subjects, ", ") + " only"
	case RoleWatchdog:
		return "it acts on the shadow assessments authored by " + p.Organisation + " only"
	}
	return "it has no rights on assessments"
}

// listScope narrows a listing to what p may see: what it owns in any
// status (an assessor's or reviewer's subjects' self assessments, a
// watchdog's own shadow ones, drafts included), everything else once
// published, and for an admin everything.
func listScope(p *Principal, f AssessmentFilter) AssessmentFilter {
	if p.role() == RoleAdmin {
		return f
	}
	if o := p.Ownership(); o != nil {
		f.Visible = o
	} else {
		f.PublishedOnly = true
	}
	return f
}
