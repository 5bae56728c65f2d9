package definitions

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// grade is what the generator knows about a material grade: the category
// it belongs to, its density for weights, and a reference price per
// hundredweight (cents per 100 lb) that list prices derive from.
type grade struct {
	material string
	density  float64 // lb per cubic inch
	cwt      int64
	spec     string
}

var grades = map[string]grade{
	"A36":      {"carbon-steel", 0.2836, 6200, "ASTM A36 hot-rolled carbon steel"},
	"A572-50":  {"carbon-steel", 0.2836, 6900, "ASTM A572 Grade 50 high-strength low-alloy steel"},
	"A992":     {"carbon-steel", 0.2836, 7100, "ASTM A992 structural steel"},
	"44W":      {"carbon-steel", 0.2836, 6500, "CSA G40.21 44W structural steel"},
	"50W":      {"carbon-steel", 0.2836, 7000, "CSA G40.21 50W structural steel"},
	"A1011-CS": {"carbon-steel", 0.2836, 6600, "ASTM A1011 hot-rolled commercial steel"},
	"A1008-CS": {"carbon-steel", 0.2836, 7600, "ASTM A1008 cold-rolled commercial steel"},
	"A500-B":   {"carbon-steel", 0.2836, 8200, "ASTM A500 Grade B/C cold-formed structural tubing"},
	"A53-B":    {"carbon-steel", 0.2836, 8600, "ASTM A53 Grade B black steel"},
	"1018":     {"carbon-steel", 0.2836, 9400, "AISI 1018 cold-drawn low-carbon steel"},
	"1045":     {"carbon-steel", 0.2836, 10200, "AISI 1045 medium-carbon steel"},
	"4140":     {"alloy-steel", 0.2836, 15800, "AISI 4140 chromium-molybdenum alloy steel, annealed"},
	"4340":     {"alloy-steel", 0.2836, 21000, "AISI 4340 nickel-chromium-molybdenum alloy steel"},
	"304":      {"stainless-steel", 0.2890, 31500, "Type 304/304L austenitic stainless steel"},
	"316L":     {"stainless-steel", 0.2890, 43500, "Type 316L molybdenum-bearing stainless steel"},
	"6061-T6":  {"aluminum", 0.0975, 41000, "6061-T6 heat-treated aluminum"},
	"5052-H32": {"aluminum", 0.0968, 44000, "5052-H32 marine-grade aluminum"},
	"6063-T52": {"aluminum", 0.0975, 39000, "6063-T52 architectural aluminum"},
}

// materials names the material categories and the word products use.
var materials = map[string]struct{ name, noun string }{
	"carbon-steel":    {"Carbon Steel", "Steel"},
	"alloy-steel":     {"Alloy Steel", "Alloy Steel"},
	"stainless-steel": {"Stainless Steel", "Stainless"},
	"aluminum":        {"Aluminum", "Aluminum"},
}

// form describes a product form: how its dimension text reads, how it is
// stocked and priced.
type form struct {
	code     string   // product code prefix
	noun     string   // in product names
	keys     []string // the numbers of the dimension text, in order
	category string   // form part of the category slug
	catName  string
	stockUOM string
	// pricingUOM by material; "" means the stock unit.
	pricingUOM map[string]string
	premium    int64 // percent over the grade's price for the processing the form needs
	note       string
}

var forms = map[string]form{
	"plate": {"PL", "Plate", []string{"thickness", "width", "length"}, "plate", "Plate", "ea",
		map[string]string{"carbon-steel": "cwt", "alloy-steel": "cwt", "stainless-steel": "lb", "aluminum": "lb"}, 100,
		"Cut-to-size, sheared and burned pieces available."},
	"sheet": {"SH", "Sheet", []string{"thickness", "width", "length"}, "sheet", "Sheet", "sheet", nil, 112,
		"Shearing and blanking available."},
	"round_bar": {"RB", "Round Bar", []string{"diameter", "length"}, "bar", "Bar", "ft", nil, 110,
		"Saw cutting to length available."},
	"flat_bar": {"FB", "Flat Bar", []string{"thickness", "width", "length"}, "bar", "Bar", "ft", nil, 108,
		"Saw cutting to length available."},
	"square_tube": {"ST", "Square Tube", []string{"width", "height", "wall", "length"}, "tube-pipe", "Tube & Pipe", "ft", nil, 118,
		"Saw cutting and mitring available."},
	"pipe": {"PP", "Pipe", []string{"nps", "schedule", "length"}, "tube-pipe", "Tube & Pipe", "ft", nil, 115,
		"Plain end; threading and cutting available."},
	"angle": {"AN", "Angle", []string{"leg1", "leg2", "thickness", "length"}, "structural", "Structural Shapes", "ft",
		map[string]string{"carbon-steel": "cwt", "aluminum": "ft", "stainless-steel": "ft"}, 100,
		"Saw cutting, punching and coping available."},
	"channel": {"CH", "Channel", []string{"depth", "weight_per_ft", "length"}, "structural", "Structural Shapes", "ft",
		map[string]string{"carbon-steel": "cwt"}, 100, "Saw cutting and coping available."},
	"beam": {"WB", "Wide Flange Beam", []string{"depth", "weight_per_ft", "length"}, "structural", "Structural Shapes", "ft",
		map[string]string{"carbon-steel": "cwt"}, 100, "Saw cutting, coping and cambering available."},
}

// pipeSizes gives outside diameter and wall (inches) by nominal size and
// schedule, from ASME B36.10.
var pipeSizes = map[float64]struct{ od, sch40, sch80 float64 }{
	0.5: {0.840, 0.109, 0.147}, 0.75: {1.050, 0.113, 0.154}, 1: {1.315, 0.133, 0.179},
	1.25: {1.660, 0.140, 0.191}, 1.5: {1.900, 0.145, 0.200}, 2: {2.375, 0.154, 0.218},
	2.5: {2.875, 0.203, 0.276}, 3: {3.500, 0.216, 0.300}, 4: {4.500, 0.237, 0.337},
	6: {6.625, 0.280, 0.432}, 8: {8.625, 0.322, 0.500},
}

// productInfo is what order generation needs about a product.
type productInfo struct {
	row      *Product
	material string
	pieceLb  float64 // weight of one piece (plate, sheet) or one bar length
	lengthFt int64   // bar length in feet for products sold by the foot, else 0
}

// number is one number of a dimension text, with its unit mark.
type number struct {
	v    float64
	unit string // `"`, `'`, `#` or ""
}

var numberRE = regexp.MustCompile(`(\d+-\d+/\d+|\d+/\d+|\d*\.\d+|\d+)\s*(["'#])?`)

// parseNumbers returns the numbers of a dimension text: 1-1/2, 3/8, 0.120
// and 20 all read as numbers; ' marks feet, " inches, # pounds per foot.
func parseNumbers(s string) []number {
	var out []number
	for _, m := range numberRE.FindAllStringSubmatch(s, -1) {
		var v float64
		switch {
		case strings.Contains(m[1], "-"):
			w, f, _ := strings.Cut(m[1], "-")
			wv, _ := strconv.ParseFloat(w, 64)
			v = wv + fraction(f)
		case strings.Contains(m[1], "/"):
			v = fraction(m[1])
		default:
			v, _ = strconv.ParseFloat(m[1], 64)
		}
		out = append(out, number{v, m[2]})
	}
	return out
}

func fraction(s string) float64 {
	n, d, _ := strings.Cut(s, "/")
	nv, _ := strconv.ParseFloat(n, 64)
	dv, _ := strconv.ParseFloat(d, 64)
	if dv == 0 {
		return 0
	}
	return nv / dv
}

// dimensions parses size for form f: the values in inches (lengths
// included) plus the raw numbers as written, or an error saying what is
// wrong with the text.
func dimensions(formName string, f form, size string) (map[string]float64, []number, error) {
	nums := parseNumbers(size)
	if len(nums) != len(f.keys) {
		return nil, nil, fmt.Errorf("%s size %q: want %d numbers (%s), found %d", formName, size, len(f.keys), strings.Join(f.keys, ", "), len(nums))
	}
	vals := map[string]float64{}
	for i, k := range f.keys {
		n := nums[i]
		if n.v <= 0 {
			return nil, nil, fmt.Errorf("%s size %q: %s must be positive", formName, size, k)
		}
		v := n.v
		if n.unit == "'" {
			v *= 12
		}
		vals[k] = v
	}
	if f.stockUOM == "ft" && nums[len(nums)-1].unit != "'" {
		return nil, nil, fmt.Errorf("%s size %q: the length must be in feet, e.g. 20'", formName, size)
	}
	if formName == "pipe" {
		p, ok := pipeSizes[vals["nps"]]
		if !ok || (vals["schedule"] != 40 && vals["schedule"] != 80) {
			return nil, nil, fmt.Errorf("pipe size %q: unknown nominal size or schedule (40 or 80)", size)
		}
		vals["od"], vals["wall"] = p.od, p.sch40
		if vals["schedule"] == 80 {
			vals["wall"] = p.sch80
		}
	}
	return vals, nums, nil
}

// weightPerUnit is the weight in lb of one stock unit: a piece of plate or
// sheet, or one foot of a long product.
func weightPerUnit(formName string, v map[string]float64, density float64) float64 {
	const ft = 12.0
	switch formName {
	case "plate", "sheet":
		return v["thickness"] * v["width"] * v["length"] * density
	case "round_bar":
		return math.Pi / 4 * v["diameter"] * v["diameter"] * ft * density
	case "flat_bar":
		return v["thickness"] * v["width"] * ft * density
	case "square_tube":
		w, h, t := v["width"], v["height"], v["wall"]
		return (w*h - (w-2*t)*(h-2*t)) * ft * density
	case "pipe":
		od, id := v["od"], v["od"]-2*v["wall"]
		return math.Pi / 4 * (od*od - id*id) * ft * density
	case "angle":
		t := v["thickness"]
		return (v["leg1"] + v["leg2"] - t) * t * ft * density
	default: // channel, beam: nominal weight per foot
		return v["weight_per_ft"]
	}
}

// validateCatalog checks every family; product codes must come out unique.
func (dm *Demo) validateCatalog() []error {
	var errs []error
	codes := map[string]string{}
	n := 0
	for i, fam := range dm.Catalog {
		p := fmt.Sprintf("demo.catalog[%d]", i)
		f, ok := forms[fam.Form]
		if !ok {
			errs = append(errs, fmt.Errorf("%s.form %q: unknown form (known: %s)", p, fam.Form, sortedKeys(forms)))
			continue
		}
		for j, gr := range fam.Grades {
			if _, ok := grades[gr]; !ok {
				errs = append(errs, fmt.Errorf("%s.grades[%d] %q: unknown grade (known: %s)", p, j, gr, sortedKeys(grades)))
			}
		}
		for j, size := range fam.Sizes {
			_, nums, err := dimensions(fam.Form, f, size)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.sizes[%d]: %v", p, j, err))
				continue
			}
			for _, gr := range fam.Grades {
				code := productCode(f, gr, nums)
				if prev, dup := codes[code]; dup {
					errs = append(errs, fmt.Errorf("%s.sizes[%d]: product %s repeats %s", p, j, code, prev))
				}
				codes[code] = fmt.Sprintf("%s.sizes[%d]", p, j)
				n++
			}
		}
	}
	if n == 0 {
		errs = append(errs, fmt.Errorf("demo.catalog: no products"))
	}
	return errs
}

// productCode is e.g. PL-A36-0.25X48X96 or RB-4140-1.5X12 (lengths in the
// unit they were written in).
func productCode(f form, gradeName string, nums []number) string {
	parts := make([]string, len(nums))
	for i, n := range nums {
		parts[i] = strconv.FormatFloat(n.v, 'f', -1, 64)
	}
	return f.code + "-" + strings.ReplaceAll(gradeName, "-", "") + "-" + strings.Join(parts, "X")
}

// catalog expands the families into categories, products and their links.
func (g *gen) catalog() {
	ds := g.ds
	type child struct{ material, form string } // form: the form part of the slug
	var (
		matOrder   []string
		childOrder []child
		seenMat    = map[string]bool{}
		seenChild  = map[child]bool{}
	)
	type famGrade struct {
		fam   DemoFamily
		grade string
	}
	var items []famGrade
	for _, fam := range g.demo.Catalog {
		for _, gr := range fam.Grades {
			items = append(items, famGrade{fam, gr})
			c := child{grades[gr].material, forms[fam.Form].category}
			if !seenMat[c.material] {
				seenMat[c.material] = true
				matOrder = append(matOrder, c.material)
			}
			if !seenChild[c] {
				seenChild[c] = true
				childOrder = append(childOrder, c)
			}
		}
	}
	// Parents first: the table's parent_id refers to them.
	catID := map[string]string{}
	for _, m := range matOrder {
		catID[m] = g.id("category", m)
		ds.Categories = append(ds.Categories, Category{ID: catID[m], Slug: m, Name: materials[m].name})
	}
	for _, c := range childOrder {
		slug := c.material + "-" + c.form
		catID[slug] = g.id("category", slug)
		ds.Categories = append(ds.Categories, Category{
			ID: catID[slug], Slug: slug, Name: materials[c.material].name + " " + formCatName(c.form), ParentID: catID[c.material],
		})
	}

	for _, it := range items {
		f, gr := forms[it.fam.Form], grades[it.grade]
		for _, size := range it.fam.Sizes {
			vals, nums, _ := dimensions(it.fam.Form, f, size)
			code := productCode(f, it.grade, nums)
			wpu := weightPerUnit(it.fam.Form, vals, gr.density)
			pricing := f.pricingUOM[gr.material]
			if pricing == "" {
				pricing = f.stockUOM
			}
			p := Product{
				ID:              g.id("product", code),
				Code:            code,
				Name:            fmt.Sprintf("%s %s %s %s", it.grade, materials[gr.material].noun, f.noun, size),
				Description:     fmt.Sprintf("%s %s, %s. %s", gr.spec, strings.ToLower(f.noun), size, f.note),
				Form:            it.fam.Form,
				Grade:           it.grade,
				Dimensions:      size,
				DimensionValues: roundValues(vals),
				StockUOM:        f.stockUOM,
				PricingUOM:      pricing,
				WeightPerUnit:   Milli(math.Round(wpu * 1000)),
				Currency:        g.def.Settings.Currency,
				Active:          true,
				ExternalID:      "ITEM-" + code,
				Material:        gr.material,
			}
			p.ListPrice = g.listPrice(p, gr.cwt*f.premium/100)
			ds.Products = append(ds.Products, p)
			info := &productInfo{material: gr.material, pieceLb: wpu}
			if f.stockUOM == "ft" {
				info.lengthFt = int64(math.Round(vals["length"] / 12))
				info.pieceLb = wpu * float64(info.lengthFt)
			}
			g.products = append(g.products, info)
			ds.ProductCategories = append(ds.ProductCategories,
				ProductCategory{ProductID: p.ID, CategoryID: catID[gr.material]},
				ProductCategory{ProductID: p.ID, CategoryID: catID[gr.material+"-"+f.category]})
		}
	}
	for i := range ds.Products {
		g.products[i].row = &ds.Products[i]
	}
}

// listPrice is the price per pricing unit in minor units, from the price per
// hundredweight and the tenant's price percent, never below one cent.
func (g *gen) listPrice(p Product, cwt int64) int64 {
	cwt = cwt * int64(g.demo.PricePercent) / 100
	var price int64
	switch p.PricingUOM {
	case "cwt":
		price = cwt
	case "lb":
		price = (cwt + 50) / 100
	default: // the stock unit: a piece, a sheet, a foot
		price = (int64(p.WeightPerUnit)*cwt + 50_000) / 100_000
	}
	return max(price, 1)
}

// sortedKeys lists a table's names for error messages.
func sortedKeys[V any](m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

func formCatName(slug string) string {
	for _, f := range forms {
		if f.category == slug {
			return f.catName
		}
	}
	return slug
}

// roundValues keeps dimension numbers to four decimals: 1/3" should not be
// stored as 0.3333333333333333.
func roundValues(v map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(v))
	for k, x := range v {
		out[k] = math.Round(x*10000) / 10000
	}
	return out
}
