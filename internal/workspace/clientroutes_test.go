package workspace

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// clientPackage finds an installed genesys-workspace-client-js: the
// directory named by $WORKSPACE_CLIENT_JS, else the one the Node tests
// install (test/workspace-client/node_modules); "" when neither exists.
func clientPackage() string {
	dirs := []string{os.Getenv("WORKSPACE_CLIENT_JS"),
		filepath.Join("..", "..", "test", "workspace-client", "node_modules", "genesys-workspace-client-js")}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "package.json")); err == nil {
			return d
		}
	}
	return ""
}

// callAPI matches the path and method of an operation in the generated
// API files: callApi('<path>', '<METHOD>', ...).
var callAPI = regexp.MustCompile(`callApi\(\s*'([^']+)',\s*'([A-Z]+)'`)

// TestClientRoutesMatchNPM checks clientRoutes against the generated API
// files of the installed client, when one is installed (it is skipped
// otherwise: the package is not a build dependency).
func TestClientRoutesMatchNPM(t *testing.T) {
	t.Parallel()
	pkg := clientPackage()
	if pkg == "" {
		t.Skip("genesys-workspace-client-js is not installed (set WORKSPACE_CLIENT_JS to its directory)")
	}
	var got []string
	testkit.EachFile(t, filepath.Join(pkg, "src", "internal", "code-gen", "workspace-api", "api", "*.js"), func(_ string, src []byte) {
		for _, m := range callAPI.FindAllStringSubmatch(string(src), -1) {
			got = append(got, m[2]+" "+m[1])
		}
	})
	slices.Sort(got)
	want := slices.Clone(clientRoutes)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("clientRoutes differ from %s (-table +client):\n%s", pkg, diff)
	}
}
