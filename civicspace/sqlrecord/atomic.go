package sqlrecord

import "context"

// atomicDB makes a DB's statements join the transaction Atomically runs
// when their context carries it, so that several writes of different
// stores (a record, its score, the audit entry) commit or roll back as
// one, and reads inside see what the transaction wrote.
type atomicDB struct{ db DB }

// txKey keys a transaction in a context; it names its atomicDB, so that
// a transaction of one database is never used for another.
type txKey struct{ db *atomicDB }

func (a *atomicDB) tx(ctx context.Context) (Querier, bool) {
	tx, ok := ctx.Value(txKey{a}).(Querier)
	return tx, ok
}

func (a *atomicDB) on(ctx context.Context) Querier {
	if tx, ok := a.tx(ctx); ok {
		return tx
	}
	return a.db
}

func (a *atomicDB) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return a.on(ctx).Exec(ctx, query, args...)
}

func (a *atomicDB) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	return a.on(ctx).Query(ctx, query, args...)
}

func (a *atomicDB) QueryRow(ctx context.Context, query string, args ...any) Row {
	return a.on(ctx).QueryRow(ctx, query, args...)
}

// Write runs fn in the context's transaction, or in a new one.
func (a *atomicDB) Write(ctx context.Context, fn func(tx Querier) error) error {
	if tx, ok := a.tx(ctx); ok {
		return fn(tx)
	}
	return a.db.Write(ctx, fn)
}

// Atomically runs fn in one transaction: the reads and writes made with
// the context fn receives join it; it commits when fn returns nil and
// rolls back otherwise. A nested call joins the outer transaction.
func (a *atomicDB) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := a.tx(ctx); ok {
		return fn(ctx)
	}
	return a.db.Write(ctx, func(tx Querier) error {
		return fn(context.WithValue(ctx, txKey{a}, tx))
	})
}
