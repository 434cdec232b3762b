package suggest

import "testing"

func TestNearest(t *testing.T) {
	t.Parallel()
	names := []string{"ani", "callType", "dnis", "service-client-api.user-data.write-allowed"}
	tests := []struct {
		s    string
		want string
		dist int
	}{
		{"anii", "ani", 1},
		{"CALLTYPE", "callType", 0},
		{"service-client-api.user-data.write-alowed", "service-client-api.user-data.write-allowed", 1},
		{"dniss", "dnis", 1},
		{"dnsi", "ani", 2}, // a tie with "dnis": the first name wins
	}
	for _, tt := range tests {
		if got, d := Nearest(tt.s, names); got != tt.want || d != tt.dist {
			t.Errorf("Nearest(%q) = %q, %d; want %q, %d", tt.s, got, d, tt.want, tt.dist)
		}
	}
	if got, d := Nearest("x", nil); got != "" || d != -1 {
		t.Errorf("Nearest with no names = %q, %d", got, d)
	}
}
