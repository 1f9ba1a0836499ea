package civicspace

// The access rules are the Service's own; their table tests (package
// civicspace_test) reach them through these names.
var (
	AuthorizeRead             = authorizeRead
	AuthorizeWrite            = authorizeWrite
	CanReadRevision           = canReadRevision
	ListScope                 = listScope
	AuthorizeCommitmentRead   = authorizeCommitmentRead
	AuthorizeCommitmentWrite  = authorizeCommitmentWrite
	AuthorizeProgressReport   = authorizeProgressReport
	CanReadCommitmentRevision = canReadCommitmentRevision
	CommitmentListScope       = commitmentListScope
)

// Authorize is the operation-level rule, for its table test.
func Authorize(p *Principal, a string) error { return authorize(p, access(a)) }

// The commitment summaries' pure functions, for their table tests and
// benchmarks (the Service's summaries call them).
var (
	SummariseCountry     = summariseCountry
	SummariseFollowUp    = summariseFollowUp
	SummariseWorkstreams = summariseWorkstreams
	CompletionLevels     = completionLevels
)
