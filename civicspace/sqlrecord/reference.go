package sqlrecord

import (
	"context"
	"database/sql"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
)

// References keeps the official figures (civicspace.ReferenceObservation)
// in the table reference_observations, one row per series, area, year and
// dimensions. The SQL is the same for both databases.
type References struct {
	db DB
	d  Dialect
}

// NewReferences returns the reference observations of db.
func NewReferences(db DB, d Dialect) *References { return &References{db: db, d: d} }

const referenceColumns = `series, indicator, area_code, country, year, dimensions, value, value_text, units, nature, source, footnote, time_detail`

func referenceValues(o *civicspace.ReferenceObservation) []any {
	var v sql.NullFloat64
	if o.Value != nil {
		v = sql.NullFloat64{Float64: *o.Value, Valid: true}
	}
	return []any{o.Series, o.Indicator, o.AreaCode, o.Country, o.Year, o.Dimensions, v, o.ValueText, o.Units, o.Nature, o.Source, o.Footnote, o.TimeDetail}
}

// PutReferenceObservations implements civicspace.ReferenceStore: all in
// one transaction, each row inserted, replaced when it differs, or left.
func (r *References) PutReferenceObservations(ctx context.Context, obs []civicspace.ReferenceObservation) (*civicspace.ReferenceReport, error) {
	report := &civicspace.ReferenceReport{}
	err := r.db.Write(ctx, func(tx Querier) error {
		for i := range obs {
			o := &obs[i]
			stored, err := scanReference(tx.QueryRow(ctx, `SELECT `+referenceColumns+` FROM reference_observations
				WHERE series = $1 AND area_code = $2 AND year = $3 AND dimensions = $4`, o.Series, o.AreaCode, o.Year, o.Dimensions))
			switch {
			case err != nil && !r.d.IsNoRows(err):
				return err
			case err != nil:
				if _, err := tx.Exec(ctx, `INSERT INTO reference_observations (`+referenceColumns+`)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, referenceValues(o)...); err != nil {
					return err
				}
				report.Created++
			case sameReference(stored, o):
				report.Unchanged++
			default:
				args := append(referenceValues(o), o.Series, o.AreaCode, o.Year, o.Dimensions)
				if _, err := tx.Exec(ctx, `UPDATE reference_observations SET series = $1, indicator = $2, area_code = $3,
					country = $4, year = $5, dimensions = $6, value = $7, value_text = $8, units = $9, nature = $10,
					source = $11, footnote = $12, time_detail = $13
					WHERE series = $14 AND area_code = $15 AND year = $16 AND dimensions = $17`, args...); err != nil {
					return err
				}
				report.Updated++
			}
		}
		return nil
	})
	if err != nil {
		return nil, Error(r.d, "store reference observations", err)
	}
	return report, nil
}

func sameReference(a, b *civicspace.ReferenceObservation) bool {
	if (a.Value == nil) != (b.Value == nil) || (a.Value != nil && *a.Value != *b.Value) {
		return false
	}
	x, y := *a, *b
	x.Value, y.Value = nil, nil
	return x == y
}

func scanReference(row Row) (*civicspace.ReferenceObservation, error) {
	var (
		o civicspace.ReferenceObservation
		v sql.NullFloat64
	)
	if err := row.Scan(&o.Series, &o.Indicator, &o.AreaCode, &o.Country, &o.Year, &o.Dimensions, &v, &o.ValueText,
		&o.Units, &o.Nature, &o.Source, &o.Footnote, &o.TimeDetail); err != nil {
		return nil, err
	}
	if v.Valid {
		o.Value = &v.Float64
	}
	return &o, nil
}

// ReferenceObservations implements civicspace.ReferenceStore.
func (r *References) ReferenceObservations(ctx context.Context, f civicspace.ReferenceFilter) ([]civicspace.ReferenceObservation, error) {
	var q Query
	in := func(col string, values []string) {
		if len(values) == 0 {
			return
		}
		marks := make([]string, len(values))
		for i, v := range values {
			marks[i] = q.Param(v)
		}
		q.Add(col + " IN (" + strings.Join(marks, ", ") + ")")
	}
	in("country", f.Countries)
	in("series", f.Series)
	in("indicator", f.Indicators)
	if f.Year != 0 {
		q.Add("year = ?", f.Year)
	}
	rows, err := r.db.Query(ctx, `SELECT `+referenceColumns+` FROM reference_observations WHERE `+q.SQL()+` ORDER BY series, area_code, year, dimensions`, q.Args()...)
	if err != nil {
		return nil, Error(r.d, "read reference observations", err)
	}
	defer rows.Close()
	var out []civicspace.ReferenceObservation
	for rows.Next() {
		o, err := scanReference(rows)
		if err != nil {
			return nil, Error(r.d, "read reference observations", err)
		}
		out = append(out, *o)
	}
	return out, Error(r.d, "read reference observations", rows.Err())
}
