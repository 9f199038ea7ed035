package suggest

import "testing"

func TestLikely(t *testing.T) {
	valid := []string{"enabled", "use_emulation", "replicas", "version", "distribution"}
	for in, want := range map[string]string{
		"enabeld": "enabled", "use_emulaton": "use_emulation", "replica": "replicas",
		"zzzzzz": "", "use_": "use_emulation", "distrib": "distribution", "ver": "version", "v": "",
	} {
		if got := Likely(in, valid); got != want {
			t.Errorf("Likely(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNearest(t *testing.T) {
	gates := []string{"HostDevices", "LiveMigration", "ExpandDisks"}
	for in, want := range map[string]string{"hostdevice": "HostDevices", "Migration": "LiveMigration", "zzz": "ExpandDisks"} {
		if got := Nearest(in, gates); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", in, got, want)
		}
	}
	if Nearest("x", nil) != "" {
		t.Error("no candidates")
	}
	if Distance("kitten", "sitting") != 3 {
		t.Error("distance")
	}
}
