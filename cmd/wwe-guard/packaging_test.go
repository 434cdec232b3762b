package main

import (
	"context"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// repoRoot is the module's root, seen from this package's directory (where
// go test runs it), and the Dockerfile's build context.
const repoRoot = "../.."

// dockerInstruction is one instruction of a Dockerfile: its keyword in upper
// case and the rest of its logical line, continuation lines joined.
type dockerInstruction struct {
	cmd  string
	args string
	line int // where it starts
}

// dockerStage is a FROM and the instructions up to the next one.
type dockerStage struct {
	image, name string
	instrs      []dockerInstruction
}

// parseDockerfile splits src into stages of instructions. Comment lines (a #
// first on the line, also between continuation lines) and blank lines are
// skipped; a line ending in \ continues on the next. Only ARG may come
// before the first FROM.
func parseDockerfile(src string) ([]dockerStage, error) {
	var stages []dockerStage
	var logical strings.Builder
	start := 0
	for i, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if logical.Len() == 0 {
			start = i + 1
		}
		if rest, ok := strings.CutSuffix(strings.TrimRight(line, " \t\r"), `\`); ok {
			logical.WriteString(rest + " ")
			continue
		}
		logical.WriteString(line)
		cmd, args, _ := strings.Cut(strings.TrimSpace(logical.String()), " ")
		logical.Reset()
		in := dockerInstruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start}
		switch {
		case in.cmd == "FROM":
			var words []string
			for _, w := range strings.Fields(in.args) {
				if !strings.HasPrefix(w, "--") { // --platform=...
					words = append(words, w)
				}
			}
			if len(words) != 1 && (len(words) != 3 || !strings.EqualFold(words[1], "AS")) {
				return nil, fmt.Errorf("line %d: FROM %s: want IMAGE [AS NAME]", in.line, in.args)
			}
			st := dockerStage{image: words[0]}
			if len(words) == 3 {
				st.name = words[2]
			}
			stages = append(stages, st)
		case len(stages) == 0 && in.cmd != "ARG":
			return nil, fmt.Errorf("line %d: %s before the first FROM", in.line, in.cmd)
		case len(stages) > 0:
			stages[len(stages)-1].instrs = append(stages[len(stages)-1].instrs, in)
		}
	}
	if logical.Len() > 0 {
		return nil, fmt.Errorf("line %d: the last instruction continues past the end", start)
	}
	return stages, nil
}

// shellWords splits a shell command line into words, honouring single and
// double quotes (no escapes, no expansion). Operators (&&, ;, |, >) are
// refused: the build must stay one command.
func shellWords(line string) ([]string, error) {
	var words []string
	var word strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			word.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		case strings.ContainsRune("&;|<>`$\\", r):
			return nil, fmt.Errorf("%q: shell syntax %q is not modelled", line, r)
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("%q: unterminated quote", line)
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}

// goBuild is the builder stage's `go build` command.
type goBuild struct {
	env     []string // NAME=VALUE words before go
	flags   []string // the words after "go build", without -o and its value
	output  string   // -o
	pkg     string   // the last word: the package built
	line    int
	rawArgs string
}

// dockerImage is what the tests read from the Dockerfile.
type dockerImage struct {
	builder, final dockerStage
	build          goBuild
	binary         string   // the binary in the final image: ENTRYPOINT[0]
	entrypoint     []string // ENTRYPOINT, exec form
	user           string
	expose         []string
}

// loadDockerfile parses the repository's Dockerfile and follows the binary
// from the builder's go build through COPY --from to the ENTRYPOINT.
func loadDockerfile(t *testing.T) dockerImage {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	stages, err := parseDockerfile(string(src))
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	if len(stages) < 2 {
		t.Fatalf("Dockerfile: %d stages, want a builder and a final stage", len(stages))
	}
	img := dockerImage{final: stages[len(stages)-1]}
	for _, in := range img.final.instrs {
		switch in.cmd {
		case "USER":
			img.user = in.args
		case "EXPOSE":
			img.expose = append(img.expose, strings.Fields(in.args)...)
		case "ENTRYPOINT":
			if err := json.Unmarshal([]byte(in.args), &img.entrypoint); err != nil || len(img.entrypoint) == 0 {
				t.Fatalf("Dockerfile line %d: ENTRYPOINT %s is not the exec form (a JSON array): an image without a shell needs it", in.line, in.args)
			}
			img.binary = img.entrypoint[0]
		case "COPY":
			words := strings.Fields(in.args)
			from, ok := strings.CutPrefix(words[0], "--from=")
			if !ok || len(words) != 3 {
				continue
			}
			for i, st := range stages[:len(stages)-1] {
				if from == st.name || from == fmt.Sprint(i) {
					img.builder = st
				}
			}
		}
	}
	if img.builder.image == "" {
		t.Fatal("Dockerfile: the final stage copies nothing from an earlier stage")
	}
	var builds []goBuild
	for _, in := range img.builder.instrs {
		if in.cmd != "RUN" || !strings.Contains(in.args, "go build") {
			continue
		}
		words, err := shellWords(in.args)
		if err != nil {
			t.Fatalf("Dockerfile line %d: %v", in.line, err)
		}
		b := goBuild{line: in.line, rawArgs: in.args}
		for len(words) > 0 && strings.Contains(words[0], "=") {
			b.env, words = append(b.env, words[0]), words[1:]
		}
		if len(words) < 3 || words[0] != "go" || words[1] != "build" {
			t.Fatalf("Dockerfile line %d: want [NAME=VALUE...] go build FLAGS... PACKAGE, got %q", in.line, in.args)
		}
		words, b.pkg = words[2:len(words)-1], words[len(words)-1]
		for i := 0; i < len(words); i++ {
			if words[i] == "-o" && i+1 < len(words) {
				b.output = words[i+1]
				i++
				continue
			}
			b.flags = append(b.flags, words[i])
		}
		builds = append(builds, b)
	}
	if len(builds) != 1 {
		t.Fatalf("Dockerfile: %d go build commands in the builder stage %q, want 1", len(builds), img.builder.name)
	}
	img.build = builds[0]
	// The binary the final stage runs must be the one the builder wrote.
	copied := ""
	for _, in := range img.final.instrs {
		if words := strings.Fields(in.args); in.cmd == "COPY" && len(words) == 3 && words[1] == img.build.output {
			copied = words[2]
		}
	}
	if copied == "" || copied != img.binary {
		t.Fatalf("Dockerfile: ENTRYPOINT runs %q, but the builder's %s is copied to %q", img.binary, img.build.output, copied)
	}
	return img
}

func TestDockerfile(t *testing.T) {
	t.Parallel()
	img := loadDockerfile(t)
	if img.final.image != "scratch" {
		t.Errorf("final stage FROM %s, want scratch", img.final.image)
	}
	for _, in := range img.final.instrs {
		if in.cmd == "RUN" {
			t.Errorf("Dockerfile line %d: RUN in the final stage, which has no shell", in.line)
		}
	}
	if img.user != "65532:65532" {
		t.Errorf("USER %q, want 65532:65532", img.user)
	}
	// The builder's Go is the go.mod's language version (golang:1.26 for go 1.26.8).
	mod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	if goLine == nil {
		t.Fatal("go.mod has no go line")
	}
	if want := "golang:" + string(goLine[1]); img.builder.image != want && !strings.HasPrefix(img.builder.image, want+".") && !strings.HasPrefix(img.builder.image, want+"-") {
		t.Errorf("builder FROM %s, want %s (go.mod: go %s)", img.builder.image, want, goLine[1])
	}
	b := img.build
	if !slices.Contains(b.env, "CGO_ENABLED=0") {
		t.Errorf("Dockerfile line %d: go build without CGO_ENABLED=0: %s", b.line, b.rawArgs)
	}
	if !slices.Contains(b.flags, "-trimpath") {
		t.Errorf("Dockerfile line %d: go build without -trimpath: %s", b.line, b.rawArgs)
	}
	if b.pkg != "./cmd/wwe-guard" {
		t.Errorf("Dockerfile line %d: builds %s, want ./cmd/wwe-guard", b.line, b.pkg)
	}
}

// TestPackagingStaticBinary builds the guard as the Dockerfile does and
// proves what a scratch image needs: a static ELF (no interpreter, no shared
// libraries) that runs on its own, away from the source tree.
func TestPackagingStaticBinary(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if runtime.GOOS != "linux" {
		t.Skipf("the image's binary is a Linux ELF; this is %s", runtime.GOOS)
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the go command is needed to build the binary: %v", err)
		}
		t.Skipf("the go command is needed to build the binary: %v", err)
	}
	img := loadDockerfile(t)
	bin := filepath.Join(t.TempDir(), filepath.Base(img.build.output))
	cmd := exec.Command(goCmd, append(append([]string{"build"}, img.build.flags...), "-o", bin, img.build.pkg)...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), img.build.env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}

	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary has a %s program header: it is dynamically linked", p.Type)
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v (%v)", libs, err)
	}

	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	for key, want := range map[string]string{"CGO_ENABLED": "0", "-trimpath": "true"} {
		if settings[key] != want {
			t.Errorf("build setting %s = %q, want %q", key, settings[key], want)
		}
	}

	// The image holds this file alone: run it from an empty directory, with
	// the config and policies the Kubernetes manifests mount.
	ctx := context.Background()
	s := loadSidecar(t)
	for _, args := range [][]string{{"sleep", "0s"}, {"version"}, {"check", "--config", s.config}} {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
		}
	}
}

func TestDockerfileParser(t *testing.T) {
	t.Parallel()
	src := "# syntax comment\nARG GO=1.26\nFROM --platform=$BUILDPLATFORM golang:${GO} AS build\nRUN CGO_ENABLED=0 \\\n  # a comment between continuation lines\n  go build \\\n\t-trimpath ./x\n\nfrom scratch\nENTRYPOINT [\"/x\"]\n"
	stages, err := parseDockerfile(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []dockerStage{
		{image: "golang:${GO}", name: "build", instrs: []dockerInstruction{{cmd: "RUN", args: "CGO_ENABLED=0    go build  \t-trimpath ./x", line: 4}}},
		{image: "scratch", instrs: []dockerInstruction{{cmd: "ENTRYPOINT", args: `["/x"]`, line: 10}}},
	}
	if diff := cmp.Diff(want, stages, cmp.AllowUnexported(dockerStage{}, dockerInstruction{})); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"RUN x\nFROM scratch\n", "FROM a b\n", "FROM scratch\nRUN x \\\n"} {
		if _, err := parseDockerfile(bad); err == nil {
			t.Errorf("parseDockerfile(%q) succeeded", bad)
		}
	}
	words, err := shellWords(`CGO_ENABLED=0 go build -ldflags "-s -w" -o '/out/a b' ./cmd/x`)
	if diff := cmp.Diff([]string{"CGO_ENABLED=0", "go", "build", "-ldflags", "-s -w", "-o", "/out/a b", "./cmd/x"}, words); err != nil || diff != "" {
		t.Errorf("shellWords: %v (-want +got):\n%s", err, diff)
	}
	for _, bad := range []string{`go build && rm x`, `go build "x`, `go build $X`} {
		if _, err := shellWords(bad); err == nil {
			t.Errorf("shellWords(%q) succeeded", bad)
		}
	}
}
