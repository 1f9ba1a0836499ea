package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// problemContentType is the media type of every error response (RFC 9457).
const problemContentType = "application/problem+json"

// statusByCode is the one table from domain error codes to HTTP statuses.
// EINVALID is refined by errorStatus: a well-formed assessment that breaks
// the catalog's rules (an error carrying problems) is a 422.
var statusByCode = map[string]int{
	civicspace.EINVALID:      http.StatusBadRequest,
	civicspace.ENOTFOUND:     http.StatusNotFound,
	civicspace.ECONFLICT:     http.StatusPreconditionFailed, // a stale If-Match
	civicspace.ESTATE:        http.StatusConflict,
	civicspace.EUNAUTHORIZED: http.StatusUnauthorized,
	civicspace.EFORBIDDEN:    http.StatusForbidden,
	civicspace.ETIMEOUT:      http.StatusServiceUnavailable,
	civicspace.EINTERNAL:     http.StatusInternalServerError,
}

// httpError is an error of the HTTP layer itself, with no domain code of its
// own: a missing If-Match, a body over the limit, a request that does not
// match the spec.
type httpError struct {
	status   int
	code     string
	detail   string
	problems []civicspace.Problem
	err      error
	// retryAfter, in seconds, is sent as Retry-After (a 429).
	retryAfter int
}

func (e *httpError) Error() string {
	if e.err != nil {
		return e.detail + ": " + e.err.Error()
	}
	return e.detail
}

func (e *httpError) Unwrap() error { return e.err }

// errorStatus returns the status, the code, the user-safe detail and the
// problems to answer err with.
func errorStatus(err error) (status int, code, detail string, problems []civicspace.Problem) {
	var he *httpError
	if errors.As(err, &he) {
		return he.status, he.code, he.detail, he.problems
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge, civicspace.EINVALID, fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit), nil
	}
	code = civicspace.ErrorCode(err)
	status, ok := statusByCode[code]
	if !ok {
		status, code = http.StatusInternalServerError, civicspace.EINTERNAL
	}
	problems = civicspace.ErrorProblems(err)
	if code == civicspace.EINVALID && len(problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return status, code, civicspace.ErrorMessage(err), problems
}

// writeError answers err as a problem document. Server errors are logged
// with their cause, which the client never sees.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, code, detail, problems := errorStatus(err)
	if he := (*httpError)(nil); errors.As(err, &he) {
		retryAfterHeader(w, he.retryAfter)
	}
	if status >= 500 {
		logger(r.Context()).ErrorContext(r.Context(), "request failed", "status", status, "code", code, "err", err)
	}
	writeProblem(w, r, status, code, detail, problems)
}

// writeProblem writes an RFC 9457 problem document.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, code, detail string, problems []civicspace.Problem) {
	p := Problem{
		Type:      "about:blank",
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    detail,
		Instance:  r.URL.Path,
		Code:      ProblemCode(code),
		RequestID: requestID(r.Context()),
	}
	for _, pr := range problems {
		p.Errors = append(p.Errors, ProblemDetail{Pointer: pr.Pointer, Detail: pr.Detail})
	}
	body, err := json.Marshal(p)
	if err != nil {
		// A Problem is strings and numbers: this cannot fail.
		panic(err)
	}
	h := w.Header()
	h.Set("Content-Type", problemContentType)
	h.Set("Cache-Control", "no-store")
	h.Del("ETag")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// requestErrorHandler answers a request the strict server could not decode
// (a body the validator let through but Go cannot bind, or a body cut at
// the size limit).
func requestErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		writeError(w, r, err)
		return
	}
	writeError(w, r, &httpError{status: http.StatusBadRequest, code: civicspace.EINVALID, detail: "the request body cannot be decoded", problems: []civicspace.Problem{{Pointer: "", Detail: strings.TrimPrefix(err.Error(), "can't decode JSON body: ")}}, err: err})
}

// paramErrorHandler answers a parameter the generated router could not
// bind (a path, query or header value of the wrong type).
func paramErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	var (
		name, in string
		detail   = err.Error()
	)
	var ipf *InvalidParamFormatError
	var rpe *RequiredParamError
	var rhe *RequiredHeaderError
	var tmv *TooManyValuesForParamError
	var ue *UnescapedCookieParamError
	var ufe *UnmarshalingParamError
	switch {
	case errors.As(err, &ipf):
		name, detail = ipf.ParamName, "invalid format: "+bindingReason(ipf.Err)
	case errors.As(err, &rpe):
		name, detail = rpe.ParamName, "required"
	case errors.As(err, &rhe):
		name, in, detail = rhe.ParamName, "header", "required"
	case errors.As(err, &tmv):
		name, in, detail = tmv.ParamName, "header", fmt.Sprintf("given %d times; give it once", tmv.Count)
	case errors.As(err, &ufe):
		name, detail = ufe.ParamName, "invalid value: "+bindingReason(ufe.Err)
	case errors.As(err, &ue):
		name, in = ue.ParamName, "cookie"
	}
	if in == "" {
		in = paramLocation(r, name)
	}
	writeError(w, r, &httpError{
		status:   http.StatusBadRequest,
		code:     civicspace.EINVALID,
		detail:   "the request does not match the API description",
		problems: []civicspace.Problem{{Pointer: "/" + in + "/" + civicspace.EncodePointer(name), Detail: detail}},
		err:      err,
	})
}

// bindingReason is the user-facing part of a binding error.
func bindingReason(err error) string {
	if err == nil {
		return "not a valid value"
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// paramLocation guesses where a named parameter came from: the path if
// the route has a wildcard of that name, else the header if the request
// has one, else the query.
func paramLocation(r *http.Request, name string) string {
	if strings.Contains(r.Pattern, "{"+name+"}") {
		return "path"
	}
	if _, ok := r.Header[http.CanonicalHeaderKey(name)]; ok {
		return "header"
	}
	return "query"
}

// validationProblems turns the nested errors of openapi3filter (a multi
// error of request errors, each holding a schema error or a multi error of
// them) into one flat, sorted list of problems with JSON Pointers: into the
// body for the body, "/path/NAME", "/query/NAME" or "/header/NAME" for
// parameters.
func validationProblems(err error) []civicspace.Problem {
	var out []civicspace.Problem
	var walk func(err error, prefix string)
	walk = func(err error, prefix string) {
		var me openapi3.MultiError
		var re *openapi3filter.RequestError
		var se *openapi3.SchemaError
		var pe *openapi3filter.ParseError
		switch {
		case errors.As(err, &me) && isMultiError(err):
			for _, e := range me {
				walk(e, prefix)
			}
		case errors.As(err, &re):
			p := prefix
			if re.Parameter != nil {
				p = "/" + re.Parameter.In + "/" + civicspace.EncodePointer(re.Parameter.Name)
			}
			if re.Err == nil {
				out = append(out, civicspace.Problem{Pointer: p, Detail: re.Reason})
				return
			}
			if !isSchemaOrMulti(re.Err) {
				// A body that cannot be parsed, a wrong content type, a
				// parameter that is not of its type.
				out = append(out, civicspace.Problem{Pointer: p, Detail: requestReason(re)})
				return
			}
			walk(re.Err, p)
		case errors.As(err, &se):
			ptr := prefix
			for _, k := range se.JSONPointer() {
				ptr += "/" + civicspace.EncodePointer(k)
			}
			if k := propertyNamed(se); k != "" {
				ptr += "/" + civicspace.EncodePointer(k)
			}
			reason := se.Reason
			if reason == "" {
				reason = fmt.Sprintf("does not match the schema's %q", se.SchemaField)
			}
			out = append(out, civicspace.Problem{Pointer: ptr, Detail: reason})
		case errors.As(err, &pe):
			out = append(out, civicspace.Problem{Pointer: prefix, Detail: pe.Error()})
		default:
			out = append(out, civicspace.Problem{Pointer: prefix, Detail: err.Error()})
		}
	}
	walk(err, "")
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	return dedupe(out)
}

// propertyNamed returns the member an object's error is about when it is
// one the schema does not allow, so that the problem points at the member
// rather than at the whole object. (kin-openapi already points a missing
// required member's error at the member.)
func propertyNamed(se *openapi3.SchemaError) string {
	obj, ok := se.Value.(map[string]any)
	if !ok || se.Schema == nil {
		return ""
	}
	var candidates []string
	switch se.SchemaField {
	case "properties", "additionalProperties":
		for k := range obj {
			if _, known := se.Schema.Properties[k]; !known {
				candidates = append(candidates, k)
			}
		}
	}
	for _, k := range candidates {
		if strings.Contains(se.Reason, strconv.Quote(k)) {
			return k
		}
	}
	return ""
}

func isMultiError(err error) bool {
	_, ok := err.(openapi3.MultiError)
	return ok
}

func isSchemaOrMulti(err error) bool {
	var se *openapi3.SchemaError
	return isMultiError(err) || errors.As(err, &se)
}

// requestReason is a request error's message without the parameter's name,
// which the pointer already gives.
func requestReason(re *openapi3filter.RequestError) string {
	reason := re.Reason
	if re.Err != nil {
		if reason == "" {
			reason = re.Err.Error()
		} else {
			reason += ": " + re.Err.Error()
		}
	}
	return reason
}

func dedupe(ps []civicspace.Problem) []civicspace.Problem {
	out := ps[:0]
	for i, p := range ps {
		if i > 0 && p == ps[i-1] {
			continue
		}
		out = append(out, p)
	}
	return out
}
