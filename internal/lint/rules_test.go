package lint

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// layer ranks every package of the module: a package may import only packages of a lower
// layer ("dependencies point down"), plus the sideways edges in sideways. A new package gets
// a line here.
var layer = map[string]int{
	"internal/awserr":  0,
	"internal/seqnum":  0,
	"internal/hashkey": 0,
	// Test support (what httptest is to net/http): it imports nothing of the module.
	"internal/server/servertest": 0,

	"internal/awsproto": 1,
	"internal/auth":     1,
	"internal/store":    1,

	"internal/kinesis":   2,
	"internal/firehose":  2,
	"internal/analytics": 2,
	"internal/video":     2,

	"internal/console": 3,
	"internal/httpout": 3,
	"internal/server":  4,
	"internal/bench":   4,
	"cmd/freshet":      5,

	// Tests only: nothing imports them and they have no production code to constrain.
	"internal/conformance": 6,
	"internal/lint":        6,
	// A separate module (tools/s3server/go.mod) pinning the S3 server the Firehose tests use.
	"tools/s3server": 6,
}

// sideways are the imports allowed between packages of the same layer: services that read
// Kinesis streams as their source.
var sideways = map[[2]string]bool{
	{"internal/firehose", "internal/kinesis"}:  true,
	{"internal/analytics", "internal/kinesis"}: true,
}

// services are the packages that hold AWS semantics: no HTTP, no NATS.
var services = []string{"internal/kinesis", "internal/firehose", "internal/analytics", "internal/video"}

// forbiddenNames are package names that say nothing about what the package is for.
var forbiddenNames = []string{"util", "utils", "common", "helpers", "helper", "types", "pkg", "misc", "shared"}

type goFile struct {
	pkg  string // directory relative to the module root, slash-separated
	path string
	test bool
	ast  *ast.File
}

// moduleFiles parses every Go file of the module at root.
func moduleFiles(t *testing.T, root string) (module string, files []goFile) {
	t.Helper()
	module = modulePath(t, filepath.Join(root, "go.mod"))
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		files = append(files, goFile{pkg: filepath.ToSlash(rel), path: p, test: strings.HasSuffix(name, "_test.go"), ast: f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no Go files found")
	}
	return module, files
}

func modulePath(t *testing.T, gomod string) string {
	t.Helper()
	f, err := os.Open(gomod)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m, ok := strings.CutPrefix(sc.Text(), "module "); ok {
			return strings.TrimSpace(m)
		}
	}
	t.Fatal("no module line in go.mod")
	return ""
}

func imports(f *ast.File) []string {
	var out []string
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		out = append(out, p)
	}
	return out
}

// layerViolations: dependencies point down.
func layerViolations(module string, files []goFile) []string {
	var out []string
	for _, f := range files {
		if f.test {
			continue
		}
		from, ok := layer[f.pkg]
		if !ok {
			out = append(out, "package "+f.pkg+" has no layer: add it to the layer table in internal/lint/rules_test.go")
			continue
		}
		for _, im := range imports(f.ast) {
			dep, ok := strings.CutPrefix(im, module+"/")
			if !ok {
				continue
			}
			to, known := layer[dep]
			if known && (to < from || sideways[[2]string{f.pkg, dep}]) {
				continue
			}
			out = append(out, f.pkg+" imports "+dep+": a package may only import lower layers")
		}
	}
	return out
}

// forbiddenImports: only the store talks to NATS, and the services know neither HTTP nor
// NATS (their requests arrive decoded; their state lives in the store).
func forbiddenImports(files []goFile) []string {
	var out []string
	for _, f := range files {
		for _, im := range imports(f.ast) {
			if strings.HasPrefix(im, "github.com/nats-io/") && f.pkg != "internal/store" {
				out = append(out, f.pkg+" imports "+im+": only internal/store may use NATS")
			}
			if !f.test && slices.Contains(services, f.pkg) && (im == "net/http" || strings.HasPrefix(im, "net/http/")) {
				out = append(out, f.pkg+" imports "+im+": services do not speak HTTP (internal/server does)")
			}
		}
	}
	return out
}

// packageViolations: every package has a name that says what it is for and a doc comment,
// and only commands print to standard output.
func packageViolations(files []goFile) []string {
	var out []string
	documented := map[string]bool{}
	pkgs := map[string]bool{}
	for _, f := range files {
		if f.test {
			continue
		}
		pkgs[f.pkg] = true
		if f.ast.Doc != nil && strings.TrimSpace(f.ast.Doc.Text()) != "" {
			documented[f.pkg] = true
		}
		if slices.Contains(forbiddenNames, path.Base(f.pkg)) || slices.Contains(forbiddenNames, f.ast.Name.Name) {
			out = append(out, "package "+f.pkg+": name it after what it provides")
		}
		if strings.HasPrefix(f.pkg, "cmd/") {
			continue
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); ok && (id.Name == "println" || id.Name == "print") {
				out = append(out, f.pkg+": "+id.Name+"() outside cmd/ (use the injected *slog.Logger)")
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "fmt" && strings.HasPrefix(sel.Sel.Name, "Print") {
					out = append(out, f.pkg+": fmt."+sel.Sel.Name+" outside cmd/ (use the injected *slog.Logger)")
				}
			}
			return true
		})
	}
	for p := range pkgs {
		if !documented[p] {
			out = append(out, "package "+p+" has no package doc comment")
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestHouseRules checks this module.
func TestHouseRules(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	module, files := moduleFiles(t, root)
	for _, v := range slices.Concat(layerViolations(module, files), forbiddenImports(files), packageViolations(files)) {
		t.Error(v)
	}
}

// TestHouseRulesCatch runs the checks on a module that breaks every rule.
func TestHouseRulesCatch(t *testing.T) {
	root := t.TempDir()
	write := func(name, src string) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/m\n\ngo 1.26\n")
	write("internal/kinesis/k.go", "// Package kinesis.\npackage kinesis\n\nimport (\n\t\"net/http\"\n\t\"github.com/nats-io/nats.go\"\n\t\"example.com/m/internal/server\"\n)\n")
	write("internal/kinesis/k_test.go", "package kinesis\n\nimport \"net/http/httptest\"\n")
	write("internal/store/s.go", "// Package store.\npackage store\n\nimport \"github.com/nats-io/nats.go\"\n")
	write("internal/server/s.go", "// Package server.\npackage server\n\nimport (\n\t\"fmt\"\n\t\"example.com/m/internal/kinesis\"\n)\n\nfunc f() { fmt.Println(); println() }\n")
	write("internal/seqnum/n.go", "// Package seqnum.\npackage seqnum\n\nimport \"example.com/m/internal/awserr\"\n")
	write("internal/util/u.go", "package util\n")
	write("cmd/freshet/main.go", "// Command freshet.\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println() }\n")
	module, files := moduleFiles(t, root)
	got := slices.Concat(layerViolations(module, files), forbiddenImports(files), packageViolations(files))
	want := []string{
		"internal/kinesis imports internal/server: a package may only import lower layers",
		"internal/seqnum imports internal/awserr: a package may only import lower layers", // same layer
		"package internal/util has no layer: add it to the layer table in internal/lint/rules_test.go",
		"internal/kinesis imports net/http: services do not speak HTTP (internal/server does)",
		"internal/kinesis imports github.com/nats-io/nats.go: only internal/store may use NATS",
		"internal/server: fmt.Println outside cmd/ (use the injected *slog.Logger)",
		"internal/server: println() outside cmd/ (use the injected *slog.Logger)",
		"package internal/util has no package doc comment",
		"package internal/util: name it after what it provides",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("violations mismatch (-want +got):\n%s", diff)
	}
}
