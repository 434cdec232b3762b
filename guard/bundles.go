package guard

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
)

// Bundle is one OPA bundle of policies.bundles: its name, its .tar.gz and,
// when it must be signed, the PEM public key that verifies its signature
// (RS256).
type Bundle struct {
	Name      string
	Tarball   []byte
	PublicKey string
	// MaxFileBytes bounds each file of the bundle once decompressed; 0
	// means DefaultBundleFileBytes.
	MaxFileBytes int64
}

// DefaultBundleFileBytes bounds one file of a bundle once decompressed:
// OPA's reader allows 1 GiB a file, and a small .tar.gz can expand to
// that (a gzip bomb).
const DefaultBundleFileBytes = 64 << 20

// reservedRoots are the documents a bundle may not own: the guard's entry
// point and the config's options.
var reservedRoots = []string{"wwe/guard", "wwe/options"}

// loadBundles reads every bundle into modules and docs (a bundle's modules
// are named "bundle:<name>/<path>"), and returns each bundle's revision.
// A bundle that does not verify, is unsigned where a key is configured,
// claims a root another bundle or the guard owns, or (OPA's reader checks
// it) holds a module or a document outside its roots is a problem, and
// nothing of it is used.
func loadBundles(bundles []Bundle, modules map[string]*ast.Module, docs map[string]any) (map[string]string, []string) {
	revisions := map[string]string{}
	var problems []string
	owned := map[string]string{} // root -> bundle
	for _, b := range bundles {
		read, err := readBundle(b)
		if err != nil {
			problems = append(problems, fmt.Sprintf("bundle %s: %v", b.Name, err))
			continue
		}
		roots := []string{""}
		if read.Manifest.Roots != nil {
			roots = *read.Manifest.Roots
		}
		if p := rootProblems(b.Name, roots, owned); len(p) > 0 {
			problems = append(problems, p...)
			continue
		}
		for _, r := range roots {
			owned[r] = b.Name
		}
		for _, mf := range read.Modules {
			modules["bundle:"+b.Name+"/"+strings.TrimPrefix(mf.Path, "/")] = mf.Parsed
		}
		for k, v := range read.Data {
			if _, taken := docs[k]; taken {
				if err := mergeDocs(docs, map[string]any{k: v}); err != nil {
					problems = append(problems, fmt.Sprintf("bundle %s: data %s: %v", b.Name, k, err))
				}
				continue
			}
			docs[k] = v
		}
		revisions[b.Name] = read.Manifest.Revision
	}
	return revisions, problems
}

func readBundle(b Bundle) (bundle.Bundle, error) {
	r := bundle.NewCustomReader(bundle.NewTarballLoaderWithBaseURL(bytes.NewReader(b.Tarball), "")).
		WithRegoVersion(ast.RegoV1).WithProcessAnnotations(true).WithSizeLimitBytes(cmp.Or(b.MaxFileBytes, DefaultBundleFileBytes))
	if b.PublicKey == "" {
		r = r.WithSkipBundleVerification(true)
	} else {
		keys := map[string]*bundle.KeyConfig{"policies.bundles": {Key: b.PublicKey, Algorithm: "RS256"}}
		r = r.WithBundleVerificationConfig(bundle.NewVerificationConfig(keys, "policies.bundles", "", nil))
	}
	return r.Read()
}

// overlaps reports whether roots a and b share documents ("" is all).
func overlaps(a, b string) bool {
	return a == "" || b == "" || a == b || strings.HasPrefix(a, b+"/") || strings.HasPrefix(b, a+"/")
}

func rootProblems(name string, roots []string, owned map[string]string) []string {
	var problems []string
	for _, r := range roots {
		for _, reserved := range reservedRoots {
			if overlaps(r, reserved) {
				problems = append(problems, fmt.Sprintf("bundle %s: root %q overlaps %s, which the guard owns", name, r, reserved))
			}
		}
		for _, o := range slices.Sorted(maps.Keys(owned)) {
			if overlaps(r, o) {
				problems = append(problems, fmt.Sprintf("bundle %s: root %q overlaps root %q of bundle %s", name, r, o, owned[o]))
			}
		}
	}
	return problems
}

// mergeDocs merges src into dst, objects key by key; any other value met
// twice is a conflict.
func mergeDocs(dst, src map[string]any) error {
	for k, v := range src {
		existing, ok := dst[k]
		if !ok {
			dst[k] = v
			continue
		}
		a, aObj := existing.(map[string]any)
		b, bObj := v.(map[string]any)
		if !aObj || !bObj {
			return fmt.Errorf("%s is defined twice", k)
		}
		if err := mergeDocs(a, b); err != nil {
			return fmt.Errorf("%s/%w", k, err)
		}
	}
	return nil
}
