package opa

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/open-policy-agent/opa/v1/ast"
	"go.yaml.in/yaml/v3"
)

// The default policy: Rego modules, their tests and data, laid out as an
// OPA bundle (a data file's directory is its path in data).
//
//go:embed policy
var defaultPolicyFS embed.FS

// Limits on user-supplied policy: OPA has no memory limit during
// evaluation, so what goes in is bounded instead.
const (
	// MaxPolicyBytes bounds the total size of a policy's files.
	MaxPolicyBytes = 4 << 20
	// MaxPolicyFiles bounds the number of a policy's files.
	MaxPolicyFiles = 256
)

// Capabilities returns the capabilities every policy module is compiled
// with: those of this OPA version minus the builtins that reach the
// network or the host (http.send, net.*, opa.runtime) and those whose
// results vary between runs (time.now_ns, rand.intn, uuid.rfc4122, signing
// and verifying JWTs, certificate checks against the clock, remote JSON
// schemas). AllowNet is empty, so no host may be contacted. A module that
// calls a removed builtin fails to compile. The result is a fresh copy.
func Capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	kept := caps.Builtins[:0]
	for _, b := range caps.Builtins {
		if !forbiddenBuiltin(b) {
			kept = append(kept, b)
		}
	}
	caps.Builtins = kept
	caps.AllowNet = []string{}
	return caps
}

func forbiddenBuiltin(b *ast.Builtin) bool {
	switch {
	case b.Nondeterministic,
		strings.HasPrefix(b.Name, "net."),
		strings.HasPrefix(b.Name, "http."),
		strings.HasPrefix(b.Name, "io.jwt.encode_sign"),
		strings.HasPrefix(b.Name, "crypto.x509.parse_and_verify_certificates"),
		b.Name == "opa.runtime",
		b.Name == "time.now_ns",
		b.Name == "rand.intn",
		b.Name == "uuid.rfc4122",
		b.Name == "trace":
		return true
	}
	return false
}

// policy is a complete set of modules and data, before compilation.
type policy struct {
	modules map[string]string // file name → Rego source, tests excluded
	tests   map[string]string // file name → Rego source of *_test.rego
	data    map[string]any    // merged data documents
	// userData is the part of data the user supplied.
	userData map[string]any
	// custom is true when anything beyond the default policy was supplied.
	custom bool
}

// has reports whether the document at the dotted path exists in m.
func has(m map[string]any, keys ...string) bool {
	var v any = m
	for _, k := range keys {
		o, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if v, ok = o[k]; !ok {
			return false
		}
	}
	return true
}

// loadPolicy assembles the default policy overlaid with the configured
// user modules, policy file system and data.
func loadPolicy(cfg *config) (*policy, error) {
	p := &policy{modules: map[string]string{}, tests: map[string]string{}, data: map[string]any{}, userData: map[string]any{}}
	if err := p.addFS(defaultPolicyFS, "policy", false); err != nil {
		return nil, civicspace.WrapError(civicspace.EINTERNAL, err, "the built-in policy cannot be loaded")
	}
	total, files := 0, 0
	count := func(name string, n int) error {
		total += n
		files++
		if total > MaxPolicyBytes {
			return civicspace.Errorf(civicspace.EINVALID, "policy is larger than %d bytes (at %s)", MaxPolicyBytes, name)
		}
		if files > MaxPolicyFiles {
			return civicspace.Errorf(civicspace.EINVALID, "policy has more than %d files", MaxPolicyFiles)
		}
		return nil
	}
	if cfg.fsys != nil {
		p.custom = true
		err := fs.WalkDir(cfg.fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if name != "." && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !policyFile(name) {
				return nil
			}
			b, err := fs.ReadFile(cfg.fsys, name)
			if err != nil {
				return err
			}
			if err := count(name, len(b)); err != nil {
				return err
			}
			return p.add(name, b, true)
		})
		if err != nil {
			return nil, asInvalid(err, "policy files cannot be read")
		}
	}
	names := make([]string, 0, len(cfg.modules))
	for name := range cfg.modules {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p.custom = true
		if err := count(name, len(cfg.modules[name])); err != nil {
			return nil, err
		}
		clean := path.Clean(strings.TrimPrefix(name, "/"))
		if !policyFile(clean) || strings.HasPrefix(clean, "../") {
			return nil, civicspace.Errorf(civicspace.EINVALID, "policy file %q: give Rego modules (*.rego) or data documents (data.json, data.yaml)", name)
		}
		if err := p.add(clean, []byte(cfg.modules[name]), true); err != nil {
			return nil, asInvalid(err, "policy file %s is invalid", name)
		}
	}
	if cfg.data != nil {
		p.custom = true
		doc, err := normalise(cfg.data)
		if err != nil {
			return nil, civicspace.WrapError(civicspace.EINVALID, err, "policy data is not JSON-compatible")
		}
		if err := mergeAt(p.userData, "", doc); err != nil {
			return nil, err
		}
		if err := mergeAt(p.data, "", doc); err != nil {
			return nil, err
		}
	}
	if has(p.userData, "civicspace", "catalog") {
		return nil, civicspace.Errorf(civicspace.EINVALID, "policy data may not set data.civicspace.catalog: the scorer fills it from the catalog")
	}
	return p, nil
}

// policyFile reports whether a file belongs to a policy: a Rego module or
// an OPA bundle data document.
func policyFile(name string) bool {
	base := path.Base(name)
	return strings.HasSuffix(base, ".rego") || base == "data.json" || base == "data.yaml" || base == "data.yml"
}

func asInvalid(err error, format string, args ...any) error {
	var e *civicspace.Error
	if errors.As(err, &e) {
		return err
	}
	return civicspace.WrapError(civicspace.EINVALID, err, format, args...)
}

// addFS adds every policy file of fsys under root.
func (p *policy) addFS(fsys fs.FS, root string, user bool) error {
	return fs.WalkDir(fsys, root, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !policyFile(name) {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		return p.add(strings.TrimPrefix(name, root+"/"), b, user)
	})
}

// add adds one file. A module replaces any module of the same name (and
// drops that module's tests, which were written for it); a data document
// is merged over the data at its directory's path.
func (p *policy) add(name string, b []byte, user bool) error {
	base := path.Base(name)
	switch {
	case strings.HasSuffix(base, "_test.rego"):
		p.tests[name] = string(b)
	case strings.HasSuffix(base, ".rego"):
		if _, replaced := p.modules[name]; replaced && user {
			delete(p.tests, strings.TrimSuffix(name, ".rego")+"_test.rego")
		}
		p.modules[name] = string(b)
	default:
		doc, err := decodeData(name, b)
		if err != nil {
			return civicspace.WrapError(civicspace.EINVALID, err, "policy data file %s is invalid", name)
		}
		dir := path.Dir(name)
		if dir == "." {
			dir = ""
		}
		if user {
			if err := mergeAt(p.userData, dir, doc); err != nil {
				return err
			}
		}
		return mergeAt(p.data, dir, doc)
	}
	return nil
}

func splitPath(dir string) []string {
	if dir == "" {
		return nil
	}
	return strings.Split(dir, "/")
}

// decodeData reads a JSON or YAML data document; it must be an object.
func decodeData(name string, b []byte) (map[string]any, error) {
	var v any
	if strings.HasSuffix(name, ".json") {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
	} else {
		if err := yaml.Unmarshal(b, &v); err != nil {
			return nil, err
		}
	}
	doc, err := normalise(v)
	if err != nil {
		return nil, err
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, errors.New("a data document must be an object")
	}
	return m, nil
}

// normalise turns any JSON-compatible Go value into its plain JSON form
// (maps, slices, json.Number, strings, booleans, nil), which both the OPA
// store and the digest need.
func normalise(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}

// mergeAt merges doc into data at dir: objects merge key by key, any
// other value replaces what was there.
func mergeAt(data map[string]any, dir string, doc any) error {
	target := data
	for _, seg := range splitPath(dir) {
		next, ok := target[seg].(map[string]any)
		if !ok {
			next = map[string]any{}
			target[seg] = next
		}
		target = next
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return civicspace.Errorf(civicspace.EINVALID, "policy data must be an object")
	}
	mergeInto(target, m)
	return nil
}

func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		sm, sok := v.(map[string]any)
		dm, dok := dst[k].(map[string]any)
		if sok && dok {
			mergeInto(dm, sm)
			continue
		}
		dst[k] = v
	}
}

// digest is "sha256:" and the SHA-256 of the module names and texts in
// name order, then the canonical JSON of the data (sorted keys). Tests are
// left out: they do not change any score.
func (p *policy) digest() (string, error) {
	h := sha256.New()
	names := make([]string, 0, len(p.modules))
	for name := range p.modules {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(h, "module %s %d\n", name, len(p.modules[name]))
		h.Write([]byte(p.modules[name]))
		h.Write([]byte{'\n'})
	}
	b, err := json.Marshal(p.data)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "data %d\n", len(b))
	h.Write(b)
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// parse parses the modules (and the tests, when withTests is set).
func (p *policy) parse(withTests bool) (map[string]*ast.Module, error) {
	srcs := map[string]string{}
	for name, text := range p.modules {
		srcs[name] = text
	}
	if withTests {
		for name, text := range p.tests {
			srcs[name] = text
		}
	}
	names := make([]string, 0, len(srcs))
	for name := range srcs {
		names = append(names, name)
	}
	sort.Strings(names)
	mods := make(map[string]*ast.Module, len(srcs))
	var errs ast.Errors
	for _, name := range names {
		m, err := ast.ParseModuleWithOpts(name, srcs[name], ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			var astErrs ast.Errors
			if errors.As(err, &astErrs) {
				errs = append(errs, astErrs...)
				continue
			}
			return nil, civicspace.WrapError(civicspace.EINVALID, err, "policy module %s does not parse", name)
		}
		mods[name] = m
	}
	if len(errs) > 0 {
		return nil, compileError("does not parse", errs)
	}
	return mods, nil
}

// compile compiles modules with the restricted capabilities.
func compile(mods map[string]*ast.Module, caps *ast.Capabilities) (*ast.Compiler, error) {
	c := ast.NewCompiler().WithCapabilities(caps).WithEnablePrintStatements(false)
	c.Compile(mods)
	if c.Failed() {
		return nil, compileError("does not compile", c.Errors)
	}
	return c, nil
}

// compileError turns OPA's errors into an EINVALID error whose problems
// name each module file and line.
func compileError(what string, errs ast.Errors) error {
	sorted := slices.Clone(errs)
	sort.SliceStable(sorted, func(i, j int) bool {
		return locString(sorted[i].Location) < locString(sorted[j].Location)
	})
	problems := make([]civicspace.Problem, 0, len(sorted))
	for _, e := range sorted {
		problems = append(problems, civicspace.Problem{Pointer: locString(e.Location), Detail: e.Message})
	}
	msg := fmt.Sprintf("policy %s: %s", what, problems[0])
	if len(problems) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(problems)-1)
	}
	return &civicspace.Error{Code: civicspace.EINVALID, Message: msg, Problems: problems, Err: errs}
}

func locString(l *ast.Location) string {
	if l == nil {
		return "policy"
	}
	return fmt.Sprintf("%s:%d", l.File, l.Row)
}
