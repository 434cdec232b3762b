# wwe-guard as a container image: a static binary on an empty base.
#
#   docker build -t wwe-guard .
#   docker run --rm -p 8080:8080 -v "$PWD/guard.yaml:/etc/wwe-guard/guard.yaml:ro" \
#     wwe-guard --config /etc/wwe-guard/guard.yaml
#
# The policies are compiled into the binary (policies.FS), so the image holds
# the binary and the system's CA certificates (for an https upstream) and
# nothing else: no shell, no package manager. The config, any extra policy
# directories and TLS files are mounted (deploy/kubernetes/). A config listens
# on 127.0.0.1 by default: in a container, write listen: ":8080".
#
# cmd/wwe-guard/packaging_test.go parses this file and builds the binary with
# the flags written here, so keep the build one `go build` command.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
# The whole context, .git included: go build records the VCS revision, which
# `wwe-guard version` and the wwe_guard_build_info metric report.
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/wwe-guard ./cmd/wwe-guard

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/wwe-guard /wwe-guard
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/wwe-guard"]
