// Package report writes comparisons and scores in the forms people use
// outside the program: CSV for spreadsheets (RFC 4180, guarded against
// formula injection), SDMX-CSV for statistical tools, and SVG pictures (a
// scorecard of one assessment, charts of a ranking and of a trend). JSON
// is the comparison structs themselves, encoded as they are.
//
// Every writer is deterministic: the same input gives the same bytes, so
// outputs can be checked into golden files and cached by ETag.
package report
