package platform

// Toggle is a switch whose automatic value depends on the platform, usually on
// kubernetes.distribution: auto, on or off. The config decoder names the three values
// when it meets anything else (a YAML boolean included).
type Toggle string

// The values of a Toggle.
const (
	// Auto decides from the platform (see the option's doc).
	Auto Toggle = "auto"
	// On is always on.
	On Toggle = "on"
	// Off is always off.
	Off Toggle = "off"
)

// Values lists the valid values.
func (Toggle) Values() []string { return []string{string(Auto), string(On), string(Off)} }

// Valid reports whether t is one of the values.
func (t Toggle) Valid() bool { return t == Auto || t == On || t == Off }

// Resolve returns the value of t, with auto meaning def.
func (t Toggle) Resolve(def bool) bool {
	switch t {
	case On:
		return true
	case Off:
		return false
	}
	return def
}
