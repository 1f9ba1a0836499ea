package civicspace

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Role is a capacity in which a subject acts and is assessed. The same words
// name whom a recommendation addresses: an assessment counts a
// recommendation only when one of the recommendation's addressees is one of
// the assessment's roles.
type Role string

// The roles (and addressees) the catalog knows.
const (
	RoleDomestic     Role = "domestic"      // a state at home
	RoleDonor        Role = "donor"         // a state as development or humanitarian donor
	RoleHost         Role = "host"          // a state hosting exiled activists and defenders
	RoleUNSystem     Role = "un_system"     // the UN system
	RoleCivilSociety Role = "civil_society" // civil society organisations and networks
	RoleCohort       Role = "cohort"        // the Civic Space Cohort's states acting jointly
)

// Roles lists every role in a stable order.
var Roles = []Role{RoleDomestic, RoleDonor, RoleHost, RoleUNSystem, RoleCivilSociety, RoleCohort}

// StateRoles are the roles in which a state can act on a recommendation.
var StateRoles = []Role{RoleDomestic, RoleDonor, RoleHost, RoleCohort}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// IndicatorType is the type of an indicator's answer.
type IndicatorType string

// The indicator types.
const (
	TypeBoolean    IndicatorType = "boolean"
	TypeScale      IndicatorType = "scale"
	TypeCount      IndicatorType = "count"
	TypePercentage IndicatorType = "percentage"
	TypeChoice     IndicatorType = "choice"
)

// IndicatorTypes lists every indicator type.
var IndicatorTypes = []IndicatorType{TypeBoolean, TypeScale, TypeCount, TypePercentage, TypeChoice}

// Direction says whether a higher answer is better. For a boolean, higher
// means true.
type Direction string

// The directions.
const (
	HigherIsBetter Direction = "higher_is_better"
	LowerIsBetter  Direction = "lower_is_better"
)

// Confidence marks how well a catalog item's wording or numbering is
// established. Empty means confirmed.
type Confidence string

// The confidence levels.
const (
	Confirmed   Confidence = "confirmed"
	Unconfirmed Confidence = "unconfirmed"
	Inferred    Confidence = "inferred"
)

// Source says where a catalog item comes from: a seed document and the place
// in it.
type Source struct {
	File    string `json:"file" yaml:"file"`
	Section string `json:"section,omitempty" yaml:"section"`
	Lines   string `json:"lines,omitempty" yaml:"lines"`
}

// Reference is an outside source that supports a catalog fact.
type Reference struct {
	Title string `json:"title" yaml:"title"`
	URL   string `json:"url,omitempty" yaml:"url"`
	Note  string `json:"note,omitempty" yaml:"note"`
}

// FollowUp is a process named to carry a framework's recommendations on
// (for the Civic Space Cohort: the Community of Democracies, OGP, OECD).
type FollowUp struct {
	ID     string  `json:"id" yaml:"id"`
	Name   string  `json:"name" yaml:"name"`
	Note   string  `json:"note,omitempty" yaml:"note"`
	Source *Source `json:"source,omitempty" yaml:"source"`
}

// Aim is a stated limit a framework sets itself, such as "1-3
// recommendations per workstream"; commitments are checked against it.
type Aim struct {
	ID     string  `json:"id" yaml:"id"`
	Text   string  `json:"text" yaml:"text"`
	Max    int     `json:"max" yaml:"max"`
	Scope  string  `json:"scope" yaml:"scope"`
	Source *Source `json:"source,omitempty" yaml:"source"`
}

// Framework is a policy framework: a document's set of recommendations,
// organised in groups.
type Framework struct {
	ID          string      `json:"id" yaml:"id"`
	Title       string      `json:"title" yaml:"title"`
	ShortTitle  string      `json:"short_title,omitempty" yaml:"short_title"`
	Description string      `json:"description,omitempty" yaml:"description"`
	Publisher   string      `json:"publisher,omitempty" yaml:"publisher"`
	Date        string      `json:"date,omitempty" yaml:"date"`
	Source      Source      `json:"source" yaml:"source"`
	References  []Reference `json:"references,omitempty" yaml:"references"`
	Confidence  Confidence  `json:"confidence,omitempty" yaml:"confidence"`
	Note        string      `json:"note,omitempty" yaml:"note"`
	FollowUp    []FollowUp  `json:"follow_up,omitempty" yaml:"follow_up"`
	Aims        []Aim       `json:"aims,omitempty" yaml:"aims"`
	// Provisions is how many recommendations (provisions, asks, targets)
	// the source document holds, when the catalog holds only some of them;
	// 0 means the catalog holds them all. Scores say how much of the
	// framework they cover.
	Provisions int      `json:"provisions,omitempty" yaml:"provisions"`
	Groups     []*Group `json:"groups" yaml:"groups"`
}

// Lead is the state leading a workstream, as the source states it.
type Lead struct {
	Country string `json:"country,omitempty" yaml:"country"`
	Name    string `json:"name,omitempty" yaml:"name"`
	Status  string `json:"status" yaml:"status"`
	Note    string `json:"note,omitempty" yaml:"note"`
}

// Group is a part of a framework: a pillar, a focus, a role, a workstream,
// a goal. Groups may nest.
type Group struct {
	ID              string            `json:"id" yaml:"id"`
	Number          string            `json:"number,omitempty" yaml:"number"`
	Kind            string            `json:"kind" yaml:"kind"`
	Title           string            `json:"title" yaml:"title"`
	Description     string            `json:"description,omitempty" yaml:"description"`
	Lead            *Lead             `json:"lead,omitempty" yaml:"lead"`
	Source          *Source           `json:"source,omitempty" yaml:"source"`
	Groups          []*Group          `json:"groups,omitempty" yaml:"groups"`
	Recommendations []*Recommendation `json:"recommendations,omitempty" yaml:"recommendations"`

	framework *Framework
}

// Framework returns the framework the group belongs to.
func (g *Group) Framework() *Framework { return g.framework }

// OfficialIndicator is an official indicator of an SDG target.
type OfficialIndicator struct {
	Code        string   `json:"code" yaml:"code"`
	Wording     string   `json:"wording" yaml:"wording"`
	Custodians  []string `json:"custodians,omitempty" yaml:"custodians"`
	SeriesCodes []string `json:"series_codes,omitempty" yaml:"series_codes"`
}

// Official holds an official text quoted exactly (SDG targets), with its
// custodian agencies and UN series codes where known.
type Official struct {
	Wording     string              `json:"wording" yaml:"wording"`
	Custodians  []string            `json:"custodians,omitempty" yaml:"custodians"`
	SeriesCodes []string            `json:"series_codes,omitempty" yaml:"series_codes"`
	URL         string              `json:"url,omitempty" yaml:"url"`
	Indicators  []OfficialIndicator `json:"indicators,omitempty" yaml:"indicators"`
}

// Recommendation is one recommendation (target, provision, key ask,
// workstream, area) of a framework.
type Recommendation struct {
	ID         string     `json:"id" yaml:"id"`
	Number     string     `json:"number" yaml:"number"`
	Title      string     `json:"title" yaml:"title"`
	Text       string     `json:"text" yaml:"text"`
	Addressees []Role     `json:"addressees" yaml:"addressees"`
	Source     Source     `json:"source" yaml:"source"`
	Confidence Confidence `json:"confidence,omitempty" yaml:"confidence"`
	Note       string     `json:"note,omitempty" yaml:"note"`
	Official   *Official  `json:"official,omitempty" yaml:"official"`
	Related    []string   `json:"related,omitempty" yaml:"related"`

	framework *Framework
	group     *Group
}

// Framework returns the framework the recommendation belongs to.
func (r *Recommendation) Framework() *Framework { return r.framework }

// Group returns the innermost group holding the recommendation.
func (r *Recommendation) Group() *Group { return r.group }

// StateActionable reports whether a state can act on the recommendation in
// one of its roles.
func (r *Recommendation) StateActionable() bool {
	for _, a := range r.Addressees {
		if slices.Contains(StateRoles, a) {
			return true
		}
	}
	return false
}

// AppliesTo reports whether the recommendation addresses any of roles.
func (r *Recommendation) AppliesTo(roles []Role) bool {
	for _, a := range r.Addressees {
		if slices.Contains(roles, a) {
			return true
		}
	}
	return false
}

// ScaleLevel is one anchored level of an ordinal scale.
type ScaleLevel struct {
	Value       int    `json:"value" yaml:"value"`
	Label       string `json:"label,omitempty" yaml:"label"`
	Description string `json:"description" yaml:"description"`
}

// Scale is an ordinal scale with a written description of every level.
type Scale struct {
	Min    int          `json:"min" yaml:"min"`
	Max    int          `json:"max" yaml:"max"`
	Levels []ScaleLevel `json:"levels" yaml:"levels"`
	// Step, when set, lets an answer fall between the anchored levels in
	// steps of this size (UNESCO's 16.10.2 scores are kept to one decimal
	// rather than rounded down); 0 means whole levels only.
	Step float64 `json:"step,omitempty" yaml:"step"`
}

// PercentageScoring says how a percentage earns points: linearly from 0 at
// 0% up to 100 at Target% or more (higher is better), or from 100 at 0%
// down to 0 at Target% or more (lower is better). Every percentage
// indicator of the built-in catalog documents its target; 0 means 100.
type PercentageScoring struct {
	Target float64 `json:"target" yaml:"target"`
	// Reason says where the target comes from.
	Reason string `json:"reason,omitempty" yaml:"reason"`
}

// CountScoring says how a count earns points: linearly from 100 at zero down
// to 0 at Worst (fewer is better), or from 0 at zero up to 100 at Target.
type CountScoring struct {
	Worst  int `json:"worst,omitempty" yaml:"worst"`
	Target int `json:"target,omitempty" yaml:"target"`
}

// Option is one possible answer of a choice indicator and the points it earns.
type Option struct {
	ID     string  `json:"id" yaml:"id"`
	Label  string  `json:"label" yaml:"label"`
	Points float64 `json:"points" yaml:"points"`
}

// RedFlagCondition says which answer raises a red flag. Exactly one field is
// set.
type RedFlagCondition struct {
	Equals  *bool    `json:"equals,omitempty" yaml:"equals"`
	AtLeast *float64 `json:"at_least,omitempty" yaml:"at_least"`
	Options []string `json:"options,omitempty" yaml:"options"`
}

// RedFlag is an answer so serious that it caps the overall rating, whatever
// the other answers say, and marks the recommendations the indicator
// measures not met, capping the groups and frameworks that hold them.
type RedFlag struct {
	ID          string           `json:"id" yaml:"id"`
	Title       string           `json:"title" yaml:"title"`
	Description string           `json:"description,omitempty" yaml:"description"`
	When        RedFlagCondition `json:"when" yaml:"when"`
	Cap         float64          `json:"cap" yaml:"cap"`
	// Grades, for a choice, give some options their own cap (a graded red
	// flag: what happened and how the state answered); options of When
	// without a grade take Cap.
	Grades map[string]float64 `json:"grades,omitempty" yaml:"grades"`
}

// CapFor returns the cap the red flag puts on the rating for value v.
func (rf *RedFlag) CapFor(v Value) float64 {
	if id, ok := v.Option(); ok {
		if c, graded := rf.Grades[id]; graded {
			return c
		}
	}
	return rf.Cap
}

// Indicator is a measurable question with a typed answer, mapped to the
// recommendations it measures in any framework.
type Indicator struct {
	ID               string        `json:"id" yaml:"id"`
	Question         string        `json:"question" yaml:"question"`
	Guidance         string        `json:"guidance,omitempty" yaml:"guidance"`
	Topic            string        `json:"topic,omitempty" yaml:"topic"`
	Type             IndicatorType `json:"type" yaml:"type"`
	Direction        Direction     `json:"direction" yaml:"direction"`
	Weight           float64       `json:"weight" yaml:"weight"`
	EvidenceRequired bool          `json:"evidence_required" yaml:"evidence_required"`
	Recommendations  []string      `json:"recommendations" yaml:"recommendations"`
	// Roles are the roles the question asks about: an assessment counts the
	// indicator only when it assesses one of them, so a role not assessed
	// never costs points. Empty means every addressee of the
	// recommendations it measures.
	Roles        []Role             `json:"roles,omitempty" yaml:"roles"`
	Scale        *Scale             `json:"scale,omitempty" yaml:"scale"`
	Count        *CountScoring      `json:"count,omitempty" yaml:"count"`
	Percentage   *PercentageScoring `json:"percentage,omitempty" yaml:"percentage"`
	Options      []Option           `json:"options,omitempty" yaml:"options"`
	RedFlag      *RedFlag           `json:"red_flag,omitempty" yaml:"red_flag"`
	SDGIndicator string             `json:"sdg_indicator,omitempty" yaml:"sdg_indicator"`
	References   []Reference        `json:"references,omitempty" yaml:"references"`

	asks []Role // Roles, or the addressees of its recommendations
}

// AsksAbout returns the roles the question asks about: Roles, or when it
// is empty every addressee of the recommendations it measures, in the
// order of Roles. It needs an indexed catalog.
func (ind *Indicator) AsksAbout() []Role { return slices.Clone(ind.asks) }

// Asks reports whether the question asks about any of roles.
func (ind *Indicator) Asks(roles []Role) bool {
	for _, r := range ind.asks {
		if slices.Contains(roles, r) {
			return true
		}
	}
	return false
}

// Option returns the option with the given ID.
func (ind *Indicator) Option(id string) (Option, bool) {
	for _, o := range ind.Options {
		if o.ID == id {
			return o, true
		}
	}
	return Option{}, false
}

// CatalogFile is one catalog data file: its name (for error messages) and
// its YAML or JSON content.
type CatalogFile struct {
	Name string
	Data []byte
}

// catalogDoc is the shape of one data file.
type catalogDoc struct {
	Version    string       `yaml:"version"`
	Title      string       `yaml:"title"`
	Frameworks []*Framework `yaml:"frameworks"`
	Indicators []*Indicator `yaml:"indicators"`
}

// Catalog is a validated, indexed, immutable set of frameworks and
// indicators. Build one with DefaultCatalog, ParseCatalog or Extend.
type Catalog struct {
	version    string
	title      string
	digest     string
	frameworks []*Framework
	indicators []*Indicator
	warnings   []string

	frameworkByID      map[string]*Framework
	groupByID          map[string]*Group
	recByID            map[string]*Recommendation
	indicatorByID      map[string]*Indicator
	indicatorsByRec    map[string][]*Indicator
	recsByFramework    map[string][]*Recommendation
	groupRecs          map[string][]*Recommendation // every recommendation at any depth under a group
	groupIndicatorsIDs map[string][]string
}

//go:embed data/catalog/*.yaml
var builtinCatalog embed.FS

// BuiltinCatalogFiles returns the embedded catalog data files, in load order.
func BuiltinCatalogFiles() []CatalogFile {
	entries, err := fs.ReadDir(builtinCatalog, "data/catalog")
	if err != nil {
		panic(err)
	}
	var files []CatalogFile
	for _, e := range entries {
		data, err := fs.ReadFile(builtinCatalog, path.Join("data/catalog", e.Name()))
		if err != nil {
			panic(err)
		}
		files = append(files, CatalogFile{Name: e.Name(), Data: data})
	}
	return files
}

var defaultCatalog = sync.OnceValues(func() (*Catalog, error) {
	return ParseCatalog(BuiltinCatalogFiles()...)
})

// DefaultCatalog returns the built-in catalog. It panics if the embedded
// data is invalid, which the package's tests rule out.
func DefaultCatalog() *Catalog {
	c, err := defaultCatalog()
	if err != nil {
		panic(fmt.Sprintf("civicspace: built-in catalog: %v", err))
	}
	return c
}

// LoadCatalogFiles reads catalog data files (YAML or JSON) from fsys.
func LoadCatalogFiles(fsys fs.FS, names ...string) ([]CatalogFile, error) {
	var files []CatalogFile
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, WrapError(EINVALID, err, "catalog file %s cannot be read", name)
		}
		files = append(files, CatalogFile{Name: name, Data: data})
	}
	return files, nil
}

// ParseCatalog builds a catalog from data files, validating everything. All
// problems are reported at once, each naming the file and the item.
func ParseCatalog(files ...CatalogFile) (*Catalog, error) {
	c := &Catalog{}
	var problems []Problem
	for _, f := range files {
		doc, err := decodeCatalogFile(f)
		if err != nil {
			problems = append(problems, Problem{Pointer: f.Name + "#", Detail: err.Error()})
			continue
		}
		if doc.Version != "" {
			c.version = doc.Version
		}
		if doc.Title != "" {
			c.title = doc.Title
		}
		c.frameworks = append(c.frameworks, doc.Frameworks...)
		c.indicators = append(c.indicators, doc.Indicators...)
	}
	if len(problems) == 0 {
		problems = c.index(catalogOrigins(files))
	}
	if len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: catalogErrorMessage(problems), Problems: problems}
	}
	return c, nil
}

// Extend returns a new catalog with the frameworks and indicators of files
// added to c. A framework or indicator whose ID is already in c replaces the
// existing one. Mappings of existing indicators to recommendations that a
// replaced framework no longer holds are dropped and listed in Warnings; an
// indicator left with no mapping is an error.
func (c *Catalog) Extend(files ...CatalogFile) (*Catalog, error) {
	ext, problems := decodeCatalogFiles(files)
	if len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: catalogErrorMessage(problems), Problems: problems}
	}
	n := &Catalog{version: c.version, title: c.title}
	if ext.Version != "" {
		n.version = c.version + "+" + ext.Version
	} else {
		n.version = c.version + "+custom"
	}
	replaced := map[string]bool{}
	for _, f := range ext.Frameworks {
		replaced[f.ID] = true
	}
	for _, f := range c.frameworks {
		if !replaced[f.ID] {
			// A deep copy: indexing sets back-pointers, and c stays usable
			// by other goroutines.
			cp, err := cloneFramework(f)
			if err != nil {
				return nil, WrapError(EINTERNAL, err, "catalog framework %q cannot be copied", f.ID)
			}
			n.frameworks = append(n.frameworks, cp)
		}
	}
	n.frameworks = append(n.frameworks, ext.Frameworks...)
	newRecs := map[string]bool{}
	walkRecommendations(n.frameworks, func(_ *Framework, _ *Group, r *Recommendation) { newRecs[r.ID] = true })
	extInd := map[string]bool{}
	for _, ind := range ext.Indicators {
		extInd[ind.ID] = true
	}
	for _, ind := range c.indicators {
		if extInd[ind.ID] {
			continue
		}
		cp := *ind
		cp.Recommendations = nil
		for _, id := range ind.Recommendations {
			if newRecs[id] {
				cp.Recommendations = append(cp.Recommendations, id)
			} else {
				n.warnings = append(n.warnings, fmt.Sprintf("indicator %q: mapping to %q dropped (the replacing framework has no such recommendation)", ind.ID, id))
			}
		}
		n.indicators = append(n.indicators, &cp)
	}
	n.indicators = append(n.indicators, ext.Indicators...)
	if problems := n.index(catalogOrigins(files)); len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: catalogErrorMessage(problems), Problems: problems}
	}
	return n, nil
}

func cloneFramework(f *Framework) (*Framework, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	var cp Framework
	if err := json.Unmarshal(b, &cp); err != nil {
		return nil, err
	}
	return &cp, nil
}

func decodeCatalogFiles(files []CatalogFile) (*catalogDoc, []Problem) {
	all := &catalogDoc{}
	var problems []Problem
	for _, f := range files {
		doc, err := decodeCatalogFile(f)
		if err != nil {
			problems = append(problems, Problem{Pointer: f.Name + "#", Detail: err.Error()})
			continue
		}
		if doc.Version != "" {
			all.Version = doc.Version
		}
		all.Frameworks = append(all.Frameworks, doc.Frameworks...)
		all.Indicators = append(all.Indicators, doc.Indicators...)
	}
	return all, problems
}

func decodeCatalogFile(f CatalogFile) (*catalogDoc, error) {
	dec := yaml.NewDecoder(bytes.NewReader(f.Data))
	dec.KnownFields(true)
	var doc catalogDoc
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &doc, nil
		}
		return nil, fmt.Errorf("not a valid catalog file: %w", err)
	}
	return &doc, nil
}

func catalogErrorMessage(problems []Problem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid catalog (%d problem", len(problems))
	if len(problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString("): ")
	for i, p := range problems {
		if i > 0 {
			b.WriteString("; ")
		}
		if i == 5 {
			fmt.Fprintf(&b, "and %d more", len(problems)-5)
			break
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// origin is where a framework or indicator was defined: the file and the
// JSON Pointer of the item in it, so that problems name both.
type origin struct{ file, pointer string }

type origins map[string]origin

func catalogOrigins(files []CatalogFile) origins {
	o := origins{}
	for _, f := range files {
		doc, err := decodeCatalogFile(f)
		if err != nil {
			continue
		}
		for i, fw := range doc.Frameworks {
			o["f:"+fw.ID] = origin{f.Name, fmt.Sprintf("/frameworks/%d", i)}
		}
		for i, ind := range doc.Indicators {
			o["i:"+ind.ID] = origin{f.Name, fmt.Sprintf("/indicators/%d", i)}
		}
	}
	return o
}

// locate returns the file and pointer of an item, falling back to the
// catalog-wide position for items of the base catalog.
func (o origins) locate(key, fallback string) (string, string) {
	if at, ok := o[key]; ok {
		return at.file, at.pointer
	}
	return "catalog", fallback
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+([.-][a-z0-9]+)*$`)

// validGroupKinds are the kinds of group the catalog knows.
var validGroupKinds = []string{"goal", "target", "pillar", "focus", "role", "workstream", "area", "need", "area_of_work"}

var validLeadStatuses = []string{"leading", "signalled_interest", "yet_to_be_confirmed"}

func walkGroups(groups []*Group, fn func(g *Group)) {
	for _, g := range groups {
		fn(g)
		walkGroups(g.Groups, fn)
	}
}

func walkRecommendations(fws []*Framework, fn func(f *Framework, g *Group, r *Recommendation)) {
	for _, f := range fws {
		walkGroups(f.Groups, func(g *Group) {
			for _, r := range g.Recommendations {
				fn(f, g, r)
			}
		})
	}
}

// validateItems checks each item on its own and that IDs are unique and
// mappings resolve within the given items.
func (c *Catalog) validateItems(o origins) []Problem {
	var ps []Problem
	add := func(file, pointer, format string, args ...any) {
		ps = append(ps, Problem{Pointer: file + "#" + pointer, Detail: fmt.Sprintf(format, args...)})
	}
	seen := map[string]string{}
	unique := func(file, ptr, kind, id string) {
		switch {
		case id == "":
			add(file, ptr+"/id", "%s has no id", kind)
		case !idPattern.MatchString(id):
			add(file, ptr+"/id", "%s %q: id must be lower-case words joined by '.' or '-'", kind, id)
		case seen[id] != "":
			add(file, ptr+"/id", "duplicate id %q (already used by a %s)", id, seen[id])
		default:
			seen[id] = kind
		}
	}
	recs := map[string]bool{}
	for fi, f := range c.frameworks {
		file, fp := o.locate("f:"+f.ID, fmt.Sprintf("/frameworks/%d", fi))
		unique(file, fp, "framework", f.ID)
		if f.Title == "" {
			add(file, fp+"/title", "framework %q has no title", f.ID)
		}
		if f.Source.File == "" {
			add(file, fp+"/source/file", "framework %q has no source file", f.ID)
		}
		if len(f.Groups) == 0 {
			add(file, fp+"/groups", "framework %q has no groups", f.ID)
		}
		checkConfidence := func(ptr, what string, cf Confidence) {
			if cf != "" && cf != Confirmed && cf != Unconfirmed && cf != Inferred {
				add(file, ptr+"/confidence", "%s: unknown confidence %q (confirmed, unconfirmed, inferred)", what, cf)
			}
		}
		checkConfidence(fp, fmt.Sprintf("framework %q", f.ID), f.Confidence)
		var walk func(groups []*Group, ptr string)
		walk = func(groups []*Group, ptr string) {
			for gi, g := range groups {
				gp := fmt.Sprintf("%s/groups/%d", ptr, gi)
				unique(file, gp, "group", g.ID)
				if g.Title == "" {
					add(file, gp+"/title", "group %q has no title", g.ID)
				}
				if !slices.Contains(validGroupKinds, g.Kind) {
					add(file, gp+"/kind", "group %q: unknown kind %q (one of %s)", g.ID, g.Kind, strings.Join(validGroupKinds, ", "))
				}
				if g.Lead != nil && !slices.Contains(validLeadStatuses, g.Lead.Status) {
					add(file, gp+"/lead/status", "group %q: unknown lead status %q (one of %s)", g.ID, g.Lead.Status, strings.Join(validLeadStatuses, ", "))
				}
				if len(g.Groups) == 0 && len(g.Recommendations) == 0 {
					add(file, gp, "group %q holds no recommendations", g.ID)
				}
				for ri, r := range g.Recommendations {
					rp := fmt.Sprintf("%s/recommendations/%d", gp, ri)
					unique(file, rp, "recommendation", r.ID)
					recs[r.ID] = true
					what := fmt.Sprintf("recommendation %q", r.ID)
					if r.Title == "" {
						add(file, rp+"/title", "%s has no title", what)
					}
					if r.Text == "" {
						add(file, rp+"/text", "%s has no text", what)
					}
					if r.Source.File == "" {
						add(file, rp+"/source/file", "%s has no source file", what)
					}
					if len(r.Addressees) == 0 {
						add(file, rp+"/addressees", "%s names no addressee", what)
					}
					for ai, a := range r.Addressees {
						if !a.Valid() {
							add(file, fmt.Sprintf("%s/addressees/%d", rp, ai), "%s: unknown addressee %q", what, a)
						}
					}
					checkConfidence(rp, what, r.Confidence)
				}
				walk(g.Groups, gp)
			}
		}
		walk(f.Groups, fp)
	}
	for ii, ind := range c.indicators {
		file, ip := o.locate("i:"+ind.ID, fmt.Sprintf("/indicators/%d", ii))
		unique(file, ip, "indicator", ind.ID)
		what := fmt.Sprintf("indicator %q", ind.ID)
		if ind.Question == "" {
			add(file, ip+"/question", "%s has no question", what)
		}
		if !slices.Contains(IndicatorTypes, ind.Type) {
			add(file, ip+"/type", "%s: unknown type %q", what, ind.Type)
		}
		if ind.Direction != HigherIsBetter && ind.Direction != LowerIsBetter {
			add(file, ip+"/direction", "%s: direction must be higher_is_better or lower_is_better, not %q", what, ind.Direction)
		}
		if !(ind.Weight > 0) {
			add(file, ip+"/weight", "%s: weight must be positive", what)
		}
		if len(ind.Recommendations) == 0 {
			add(file, ip+"/recommendations", "%s maps to no recommendation", what)
		}
		for ri, id := range ind.Recommendations {
			if !recs[id] {
				add(file, fmt.Sprintf("%s/recommendations/%d", ip, ri), "%s maps to unknown recommendation %q", what, id)
			}
		}
		switch ind.Type {
		case TypeScale:
			if ind.Scale == nil {
				add(file, ip+"/scale", "%s: a scale indicator needs scale.min, scale.max and levels", what)
				break
			}
			if ind.Scale.Max <= ind.Scale.Min {
				add(file, ip+"/scale", "%s: scale.max must be above scale.min", what)
				break
			}
			levels := map[int]bool{}
			for li, l := range ind.Scale.Levels {
				lp := fmt.Sprintf("%s/scale/levels/%d", ip, li)
				if l.Value < ind.Scale.Min || l.Value > ind.Scale.Max {
					add(file, lp+"/value", "%s: level %d is outside %d-%d", what, l.Value, ind.Scale.Min, ind.Scale.Max)
				}
				if levels[l.Value] {
					add(file, lp+"/value", "%s: level %d is described twice", what, l.Value)
				}
				levels[l.Value] = true
				if strings.TrimSpace(l.Description) == "" {
					add(file, lp+"/description", "%s: scale level %d has no description", what, l.Value)
				}
			}
			for v := ind.Scale.Min; v <= ind.Scale.Max; v++ {
				if !levels[v] {
					add(file, ip+"/scale/levels", "%s: scale level %d has no description", what, v)
				}
			}
		case TypeChoice:
			if len(ind.Options) < 2 {
				add(file, ip+"/options", "%s: a choice indicator needs at least two options", what)
			}
			optIDs := map[string]bool{}
			for oi, opt := range ind.Options {
				op := fmt.Sprintf("%s/options/%d", ip, oi)
				if opt.ID == "" || optIDs[opt.ID] {
					add(file, op+"/id", "%s: option ids must be present and unique (%q)", what, opt.ID)
				}
				optIDs[opt.ID] = true
				if opt.Label == "" {
					add(file, op+"/label", "%s: option %q has no label", what, opt.ID)
				}
				if opt.Points < 0 || opt.Points > 100 {
					add(file, op+"/points", "%s: option %q points must be within 0-100", what, opt.ID)
				}
			}
		case TypePercentage:
			if pc := ind.Percentage; pc != nil && (!(pc.Target > 0) || pc.Target > 100) {
				add(file, ip+"/percentage/target", "%s: a percentage target must be above 0 and at most 100", what)
			}
		case TypeCount:
			if ind.Count == nil || (ind.Direction == LowerIsBetter && ind.Count.Worst <= 0) || (ind.Direction == HigherIsBetter && ind.Count.Target <= 0) {
				add(file, ip+"/count", "%s: a count indicator needs count.worst (fewer is better) or count.target (more is better) above zero", what)
			}
		}
		for ri, r := range ind.Roles {
			if !r.Valid() {
				add(file, fmt.Sprintf("%s/roles/%d", ip, ri), "%s: unknown role %q", what, r)
			}
		}
		if ind.Type == TypeScale && ind.Scale != nil && (ind.Scale.Step < 0 || ind.Scale.Step > 1) {
			add(file, ip+"/scale/step", "%s: scale.step must be above 0 and at most 1 (or absent for whole levels)", what)
		}
		if ind.Type != TypePercentage && ind.Percentage != nil {
			add(file, ip+"/percentage", "%s: only percentage indicators have a percentage target", what)
		}
		if ind.Type != TypeScale && ind.Scale != nil {
			add(file, ip+"/scale", "%s: only scale indicators have a scale", what)
		}
		if ind.Type != TypeChoice && len(ind.Options) > 0 {
			add(file, ip+"/options", "%s: only choice indicators have options", what)
		}
		if rf := ind.RedFlag; rf != nil {
			rp := ip + "/red_flag"
			set := 0
			if rf.When.Equals != nil {
				set++
				if ind.Type != TypeBoolean {
					add(file, rp+"/when/equals", "%s: red_flag.when.equals applies to booleans only", what)
				}
			}
			if rf.When.AtLeast != nil {
				set++
				if ind.Type == TypeBoolean || ind.Type == TypeChoice {
					add(file, rp+"/when/at_least", "%s: red_flag.when.at_least applies to numbers only", what)
				}
			}
			if len(rf.When.Options) > 0 {
				set++
				for _, o := range rf.When.Options {
					if _, ok := ind.Option(o); !ok {
						add(file, rp+"/when/options", "%s: red flag names unknown option %q", what, o)
					}
				}
			}
			if set != 1 {
				add(file, rp+"/when", "%s: red_flag.when needs exactly one of equals, at_least, options", what)
			}
			if rf.ID == "" || rf.Title == "" {
				add(file, rp, "%s: red flag needs an id and a title", what)
			}
			if rf.Cap < 0 || rf.Cap > 100 {
				add(file, rp+"/cap", "%s: red flag cap must be within 0-100", what)
			}
			for _, o := range slices.Sorted(maps.Keys(rf.Grades)) {
				if !slices.Contains(rf.When.Options, o) {
					add(file, rp+"/grades/"+o, "%s: red flag grade %q is not one of the options that raise it", what, o)
				}
				if c := rf.Grades[o]; c < 0 || c > 100 {
					add(file, rp+"/grades/"+o, "%s: red flag grade cap must be within 0-100", what)
				}
			}
		}
	}
	return ps
}

// index validates c and builds its look-up tables and digest.
func (c *Catalog) index(o origins) []Problem {
	if ps := c.validateItems(o); len(ps) > 0 {
		return ps
	}
	if c.version == "" {
		return []Problem{{Pointer: "catalog#/version", Detail: "the catalog has no version"}}
	}
	c.frameworkByID = map[string]*Framework{}
	c.groupByID = map[string]*Group{}
	c.recByID = map[string]*Recommendation{}
	c.indicatorByID = map[string]*Indicator{}
	c.indicatorsByRec = map[string][]*Indicator{}
	c.recsByFramework = map[string][]*Recommendation{}
	c.groupRecs = map[string][]*Recommendation{}
	c.groupIndicatorsIDs = map[string][]string{}
	for _, f := range c.frameworks {
		c.frameworkByID[f.ID] = f
		var walk func(groups []*Group, parents []*Group)
		walk = func(groups []*Group, parents []*Group) {
			for _, g := range groups {
				g.framework = f
				c.groupByID[g.ID] = g
				chain := append(slices.Clone(parents), g)
				for _, r := range g.Recommendations {
					r.framework, r.group = f, g
					c.recByID[r.ID] = r
					c.recsByFramework[f.ID] = append(c.recsByFramework[f.ID], r)
					for _, pg := range chain {
						c.groupRecs[pg.ID] = append(c.groupRecs[pg.ID], r)
					}
				}
				walk(g.Groups, chain)
			}
		}
		walk(f.Groups, nil)
	}
	var ps []Problem
	for _, ind := range c.indicators {
		c.indicatorByID[ind.ID] = ind
		addressed := map[Role]bool{}
		for _, id := range ind.Recommendations {
			c.indicatorsByRec[id] = append(c.indicatorsByRec[id], ind)
			for _, a := range c.recByID[id].Addressees {
				addressed[a] = true
			}
		}
		ind.asks = nil
		for _, r := range Roles {
			if addressed[r] && (len(ind.Roles) == 0 || slices.Contains(ind.Roles, r)) {
				ind.asks = append(ind.asks, r)
			}
		}
		for _, r := range ind.Roles {
			if !addressed[r] {
				ps = append(ps, Problem{Pointer: "catalog#/" + ind.ID + "/roles", Detail: fmt.Sprintf("indicator %q asks about the role %q, which none of the recommendations it measures addresses", ind.ID, r)})
			}
		}
	}
	for _, r := range c.Recommendations() {
		for _, rel := range r.Related {
			if c.recByID[rel] == nil && c.groupByID[rel] == nil && c.frameworkByID[rel] == nil {
				ps = append(ps, Problem{Pointer: "catalog#/" + r.ID, Detail: fmt.Sprintf("recommendation %q: related item %q does not exist", r.ID, rel)})
			}
		}
	}
	if len(ps) > 0 {
		return ps
	}
	b, err := json.Marshal(c.export(""))
	if err != nil {
		return []Problem{{Pointer: "catalog#", Detail: err.Error()}}
	}
	sum := sha256.Sum256(b)
	c.digest = "sha256:" + hex.EncodeToString(sum[:])
	return nil
}

// Version is the catalog's version, e.g. "2026.11.0" (with "+..." appended
// for a catalog extended by user files).
func (c *Catalog) Version() string { return c.version }

// Title is the catalog's title.
func (c *Catalog) Title() string { return c.title }

// Digest is "sha256:" followed by the SHA-256 of the catalog's canonical
// JSON form (the export without its digest field). Two catalogs with the
// same digest have the same content.
func (c *Catalog) Digest() string { return c.digest }

// Warnings lists what Extend dropped.
func (c *Catalog) Warnings() []string { return slices.Clone(c.warnings) }

// Frameworks returns the frameworks in load order.
func (c *Catalog) Frameworks() []*Framework { return slices.Clone(c.frameworks) }

// Framework returns the framework with the given ID.
func (c *Catalog) Framework(id string) (*Framework, bool) {
	f, ok := c.frameworkByID[id]
	return f, ok
}

// Group returns the group with the given ID.
func (c *Catalog) Group(id string) (*Group, bool) {
	g, ok := c.groupByID[id]
	return g, ok
}

// Recommendation returns the recommendation with the given ID.
func (c *Catalog) Recommendation(id string) (*Recommendation, bool) {
	r, ok := c.recByID[id]
	return r, ok
}

// Recommendations returns every recommendation, framework by framework, in
// document order.
func (c *Catalog) Recommendations() []*Recommendation {
	var out []*Recommendation
	for _, f := range c.frameworks {
		out = append(out, c.recsByFramework[f.ID]...)
	}
	return out
}

// FrameworkRecommendations returns the recommendations of a framework in
// document order.
func (c *Catalog) FrameworkRecommendations(frameworkID string) []*Recommendation {
	return slices.Clone(c.recsByFramework[frameworkID])
}

// GroupRecommendations returns the recommendations at any depth under a group.
func (c *Catalog) GroupRecommendations(groupID string) []*Recommendation {
	return slices.Clone(c.groupRecs[groupID])
}

// Indicators returns every indicator in load order.
func (c *Catalog) Indicators() []*Indicator { return slices.Clone(c.indicators) }

// Indicator returns the indicator with the given ID.
func (c *Catalog) Indicator(id string) (*Indicator, bool) {
	ind, ok := c.indicatorByID[id]
	return ind, ok
}

// IndicatorsFor returns the indicators that measure a recommendation.
func (c *Catalog) IndicatorsFor(recommendationID string) []*Indicator {
	return slices.Clone(c.indicatorsByRec[recommendationID])
}

// RecommendationsFor returns the recommendations an indicator measures.
func (c *Catalog) RecommendationsFor(indicatorID string) []*Recommendation {
	ind, ok := c.indicatorByID[indicatorID]
	if !ok {
		return nil
	}
	out := make([]*Recommendation, 0, len(ind.Recommendations))
	for _, id := range ind.Recommendations {
		out = append(out, c.recByID[id])
	}
	return out
}

// CrosswalkLink joins a recommendation of one framework to one of another
// through the indicators that measure both.
type CrosswalkLink struct {
	From       string   `json:"from"`
	To         string   `json:"to"`
	Indicators []string `json:"indicators"`
}

// Crosswalk returns the links between the recommendations of two
// frameworks: pairs measured by at least one shared indicator, sorted by
// the first framework's document order, then the second's.
func (c *Catalog) Crosswalk(fromFramework, toFramework string) ([]CrosswalkLink, error) {
	for _, id := range []string{fromFramework, toFramework} {
		if _, ok := c.frameworkByID[id]; !ok {
			return nil, Errorf(ENOTFOUND, "framework %q not found", id)
		}
	}
	order := map[string]int{}
	for i, r := range c.Recommendations() {
		order[r.ID] = i
	}
	links := map[[2]string][]string{}
	for _, ind := range c.indicators {
		for _, a := range ind.Recommendations {
			if c.recByID[a].framework.ID != fromFramework {
				continue
			}
			for _, b := range ind.Recommendations {
				if c.recByID[b].framework.ID != toFramework || a == b {
					continue
				}
				key := [2]string{a, b}
				if !slices.Contains(links[key], ind.ID) {
					links[key] = append(links[key], ind.ID)
				}
			}
		}
	}
	out := make([]CrosswalkLink, 0, len(links))
	for k, inds := range links {
		sort.Strings(inds)
		out = append(out, CrosswalkLink{From: k[0], To: k[1], Indicators: inds})
	}
	sort.Slice(out, func(i, j int) bool {
		if order[out[i].From] != order[out[j].From] {
			return order[out[i].From] < order[out[j].From]
		}
		return order[out[i].To] < order[out[j].To]
	})
	return out, nil
}

// catalogExport is the public JSON form of the whole catalog.
type catalogExport struct {
	Version    string       `json:"version"`
	Title      string       `json:"title,omitempty"`
	Digest     string       `json:"digest,omitempty"`
	Frameworks []*Framework `json:"frameworks"`
	Indicators []*Indicator `json:"indicators"`
}

func (c *Catalog) export(digest string) catalogExport {
	return catalogExport{Version: c.version, Title: c.title, Digest: digest, Frameworks: c.frameworks, Indicators: c.indicators}
}

// MarshalJSON writes the whole catalog in its public export form: version,
// digest, frameworks (with their groups and recommendations) and indicators.
func (c *Catalog) MarshalJSON() ([]byte, error) {
	return json.Marshal(c.export(c.digest))
}
