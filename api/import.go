package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/civicspace/civicspace/civicspace"
)

// ImportAssessments imports a JSON array or NDJSON of assessments; the
// Service decides, item by item, what the caller may create or update.
func (s *Server) ImportAssessments(ctx context.Context, req ImportAssessmentsRequestObject) (ImportAssessmentsResponseObject, error) {
	var items []civicspace.ImportItem
	switch {
	case req.JSONBody != nil:
		// The validator checked only that each element is an object: each
		// is read on its own, so that one bad element is one refused item.
		for i, el := range *req.JSONBody {
			item := civicspace.ImportItem{Source: fmt.Sprintf("#/%d", i)}
			data, err := json.Marshal(el)
			if err == nil {
				item.Assessment, item.Err = civicspace.ParseAssessment(data)
			} else {
				item.Err = civicspace.WrapError(civicspace.EINVALID, err, "element %d cannot be read", i)
			}
			items = append(items, item)
		}
	case req.Body != nil:
		data, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		items = civicspace.ReadAssessments(data, "")
	}
	if len(items) > civicspace.MaxImportItems {
		return nil, civicspace.Errorf(civicspace.EINVALID, "%d items in one import: send at most %d at a time", len(items), civicspace.MaxImportItems)
	}
	report, err := s.svc.ImportAssessments(ctx, items, nil)
	if err != nil {
		return nil, err
	}
	return ImportAssessments200JSONResponse(importReportToAPI(report)), nil
}

func importReportToAPI(r *civicspace.ImportReport) ImportReport {
	out := ImportReport{Created: r.Created, Updated: r.Updated, Unchanged: r.Unchanged, Refused: r.Refused, Results: make([]ImportResult, len(r.Results))}
	for i, res := range r.Results {
		out.Results[i] = ImportResult{
			Source:   res.Source,
			Outcome:  ImportResultOutcome(res.Outcome),
			ID:       res.ID,
			Version:  res.Version,
			Code:     ImportResultCode(res.Code),
			Message:  res.Message,
			Problems: problemsToAPI(res.Problems),
		}
	}
	return out
}
