package main

import (
	"os"
	"runtime"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "4242 (wwe-guard) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 25 0 0 20 0 9 0 100 0 0", want: 1750 * time.Millisecond},
		{in: "7 (a b) c)) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0", want: 70 * time.Millisecond},
		{in: "7 wwe-guard S 1", wantErr: true},
		{in: "7 (x) S 1 2 3", wantErr: true},
		{in: "7 (x) S 1 7 7 0 -1 0 0 0 0 0 x 4", wantErr: true},
	}
	for _, tc := range tests {
		got, err := parseStatCPU([]byte(tc.in))
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("parseStatCPU(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestProcessCPU(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	if _, err := processCPU(os.Getpid()); err != nil {
		t.Errorf("own process: %v", err)
	}
	if _, err := processCPU(-1); err == nil {
		t.Error("pid -1: no error")
	}
}
