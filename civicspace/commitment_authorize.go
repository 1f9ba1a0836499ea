package civicspace

import (
	"slices"
	"strings"
)

// The authorization rules of commitments, pure functions like those of
// assessments (authorize.go), applied by every surface.
//
// A commitment is a government's: an assessor or reviewer owns the
// commitments whose subject includes one of its subjects (a joint
// commitment is each of its countries'), as it owns their self
// assessments. The assessor drafts it and reports the government's
// progress on it; the reviewer publishes, corrects, withdraws and reopens
// it. A watchdog files independent reviews of any published commitment,
// as its organisation. Everyone else reads published commitments only,
// and a commitment never published does not exist for them (ENOTFOUND).
// An admin may do everything.

// commitmentRoleActions are the lifecycle actions each role may take on
// the commitments it owns.
var commitmentRoleActions = map[KeyRole][]Action{
	RoleAssessor: {ActionCreate, ActionUpdate},
	RoleReviewer: {ActionPublish, ActionCorrect, ActionWithdraw, ActionReopen},
}

// OwnsCommitment reports whether p may see and work on c's unpublished
// states.
func (p *Principal) OwnsCommitment(c *Commitment) bool {
	switch p.role() {
	case RoleAdmin:
		return true
	case RoleAssessor, RoleReviewer:
		return slices.ContainsFunc(c.Subject.Countries, func(k string) bool { return slices.Contains(p.Subjects, k) })
	}
	return false
}

// authorizeCommitmentRead decides what of rec p may read: everything
// (full), only its published revision, or nothing (ENOTFOUND, as if it did
// not exist).
func authorizeCommitmentRead(p *Principal, rec *CommitmentRecord) (full bool, err error) {
	if p.OwnsCommitment(&rec.Commitment) {
		return true, nil
	}
	if rec.PublishedVersion > 0 {
		return false, nil
	}
	return false, Errorf(ENOTFOUND, "commitment %q not found", rec.ID)
}

// authorizeCommitmentWrite checks that p may take action on rec (nil for
// ActionCreate) and, for a create or an update, write content: EUNAUTHORIZED
// without a key; ENOTFOUND when p may not even read rec; EFORBIDDEN when it
// may read it but not do this, or when content's subject is none of its
// subjects (naming the field).
func authorizeCommitmentWrite(p *Principal, action Action, rec *CommitmentRecord, content *Commitment) error {
	if !p.Authenticated() {
		return errNoKey()
	}
	role := p.role()
	if rec != nil && !p.OwnsCommitment(&rec.Commitment) {
		if rec.PublishedVersion == 0 {
			return Errorf(ENOTFOUND, "commitment %q not found", rec.ID)
		}
		return Errorf(EFORBIDDEN, "this %s key may not %s commitment %s: %s", role, action, rec.ID, commitmentOwnerRule(p))
	}
	if role != RoleAdmin && !slices.Contains(commitmentRoleActions[role], action) {
		return Errorf(EFORBIDDEN, "a %s key may not %s commitments", role, action)
	}
	if content != nil && !p.OwnsCommitment(content) {
		return &Error{Code: EFORBIDDEN, Message: "this " + string(role) + " key may not write this commitment: " + commitmentOwnerRule(p),
			Problems: []Problem{{Pointer: "/subject/countries", Detail: "none of " + strings.Join(content.Subject.Countries, ", ") + " is one of this key's subjects (" + strings.Join(p.Subjects, ", ") + ")"}}}
	}
	return nil
}

// authorizeProgressReport checks that p may file report r on rec: an
// assessor the government's reports on the commitments it owns, as its
// organisation; a watchdog independent reviews of any published
// commitment, as its organisation; an admin any report.
func authorizeProgressReport(p *Principal, rec *CommitmentRecord, r *ProgressReport) error {
	if !p.Authenticated() {
		return errNoKey()
	}
	owns := p.OwnsCommitment(&rec.Commitment)
	if !owns && rec.PublishedVersion == 0 {
		return Errorf(ENOTFOUND, "commitment %q not found", rec.ID)
	}
	forbid := func(ptr, detail string) error {
		return &Error{Code: EFORBIDDEN, Message: "this " + string(p.role()) + " key may not file this report: " + detail,
			Problems: []Problem{{Pointer: ptr, Detail: detail}}}
	}
	switch p.role() {
	case RoleAdmin:
		return nil
	case RoleAssessor:
		switch {
		case r.Reporter.Kind != ReporterGovernment:
			return forbid("/reporter/kind", "an assessor files the government's reports only")
		case !owns:
			return Errorf(EFORBIDDEN, "this assessor key may not report on commitment %s: %s", rec.ID, commitmentOwnerRule(p))
		case p.Organisation != "" && r.Reporter.Organisation != p.Organisation:
			return forbid("/reporter/organisation", "the reporter must be this key's organisation, "+p.Organisation)
		}
		return nil
	case RoleWatchdog:
		switch {
		case r.Reporter.Kind != ReporterIndependent:
			return forbid("/reporter/kind", "a watchdog files independent reviews only")
		case r.Reporter.Organisation != p.Organisation:
			return forbid("/reporter/organisation", "the reporter must be this key's organisation, "+p.Organisation)
		}
		return nil
	}
	return Errorf(EFORBIDDEN, "a %s key does not report progress: assessors report the government's, watchdogs file independent reviews", p.role())
}

func commitmentOwnerRule(p *Principal) string {
	switch p.role() {
	case RoleAssessor, RoleReviewer:
		return "it acts on the commitments of " + strings.Join(p.Subjects, ", ") + " only"
	}
	return "it has no rights on commitments"
}

// commitmentListScope narrows a listing to what p may see: an owner lists
// a country of its own in any status; everyone else, and anyone listing
// beyond its own countries, lists published commitments only.
func commitmentListScope(p *Principal, f CommitmentFilter) CommitmentFilter {
	switch p.role() {
	case RoleAdmin:
	case RoleAssessor, RoleReviewer:
		if f.Country == "" || !slices.Contains(p.Subjects, f.Country) {
			f.PublishedOnly = true
		}
	default:
		f.PublishedOnly = true
	}
	return f
}

// canReadCommitmentRevision reports whether p may read revision rev of
// rec: an owner any, everyone else the published ones while rec has a
// publication.
func canReadCommitmentRevision(p *Principal, rec *CommitmentRecord, rev *CommitmentRevision) bool {
	if p.OwnsCommitment(&rec.Commitment) || p.OwnsCommitment(&rev.Commitment) {
		return true
	}
	return rev.Status == Published && rec.PublishedVersion > 0
}
