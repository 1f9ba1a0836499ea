// Package questionnaire writes the catalog's questions as a questionnaire
// an official can fill in offline, in a spreadsheet (XLSX, with drop-down
// lists for choices and scale levels, or CSV), and reads a filled one back
// into an assessment, naming every cell it cannot read by sheet, row and
// column ("Questions!D14").
//
// The XLSX workbook is written and read with github.com/xuri/excelize/v2.
// Its labels are in English, French or Spanish (the translations are
// civicspace's own, and the sheet says so); the catalog's text is the
// catalog's translation where there is one (civicspace.Catalog.Localized).
// Sheet names, the hidden indicator IDs and the answer values (yes, no,
// option IDs, not_applicable, unknown) are the same in every language, so
// that any filled questionnaire reads back the same way.
package questionnaire
