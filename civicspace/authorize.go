package civicspace

import (
	"slices"
	"strings"
)

// The authorization rules, all of them, as functions of the principal and
// the thing acted on. They live in the domain package so that every
// surface (the REST API's one operation table, api/authz.go, and any
// future one) applies the same rules; they take the record rather than
// loading it, so they stay pure and are tested as a table.
//
// Who owns an assessment's unpublished states:
//   - an assessor or reviewer, for the self assessments of its subjects;
//   - a watchdog, for the shadow assessments its organisation authors;
//   - an admin, for everything.
//
// Everyone else sees only published revisions, and an assessment without
// one does not exist for them (ENOTFOUND, never EFORBIDDEN: the answer
// must not tell that a government has a draft).

// Access is what an operation needs, regardless of which record it acts on.
type Access string

// The accesses.
const (
	AccessPublic        Access = "public"        // anyone, with or without a key
	AccessAuthenticated Access = "authenticated" // any valid key (computing inline scores)
	AccessAdmin         Access = "admin"         // admin keys only
)

// Authorize checks an operation-level access: EUNAUTHORIZED if a key is
// needed and there is none, EFORBIDDEN if the key's role is not enough.
func Authorize(p *Principal, a Access) error {
	switch a {
	case AccessPublic:
		return nil
	case AccessAuthenticated:
		if !p.Authenticated() {
			return errNoKey()
		}
		return nil
	case AccessAdmin:
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
// and ListScope read the same Ownership, so what a caller may open is
// what it lists.
func (p *Principal) Owns(a *Assessment) bool {
	if p.role() == RoleAdmin {
		return true
	}
	return p.Ownership().Owns(a)
}

// AuthorizeRead decides what of rec p may read: everything (full), only
// its published revision (PublishedVersion), or nothing (ENOTFOUND, as if
// it did not exist).
func AuthorizeRead(p *Principal, rec *Record) (full bool, err error) {
	if p.Owns(&rec.Assessment) {
		return true, nil
	}
	if rec.PublishedVersion > 0 {
		return false, nil
	}
	return false, Errorf(ENOTFOUND, "assessment %s not found", rec.ID)
}

// CanReadRevision reports whether p may read revision version of rec.
// Only published revisions are public; which ones are is known from the
// revisions' statuses.
func CanReadRevision(p *Principal, rec *Record, rev *Revision) bool {
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

// AuthorizeWrite checks that p may take action on rec (nil for
// ActionCreate) and, for a create or an update, write content. A caller
// who may not even read rec gets ENOTFOUND; one who may read it but not
// do this, EFORBIDDEN; content with a field the caller may not set
// (another's subject, a kind or author not its own) is EFORBIDDEN naming
// the field.
func AuthorizeWrite(p *Principal, action Action, rec *Record, content *Assessment) error {
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
		if p.Organisation != "" && a.Author != p.Organisation {
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

// ListScope narrows a listing to what p may see: what it owns in any
// status (an assessor's or reviewer's subjects' self assessments, a
// watchdog's own shadow ones, drafts included), everything else once
// published, and for an admin everything.
func ListScope(p *Principal, f AssessmentFilter) AssessmentFilter {
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
