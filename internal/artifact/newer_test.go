package artifact

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
)

func TestNewerChartRepo(t *testing.T) {
	repo := newFileServer(t, map[string][]byte{"/index.yaml": indexYAML("demo",
		[3]string{"v1.14.0", "a", ""}, [3]string{"v1.15.3", "a", ""}, [3]string{"v1.16.0-alpha.1", "a", ""},
		[3]string{"v1.15.10", "a", ""}, [3]string{"v1.16.1", "a", ""}, [3]string{"1.16.1", "a", ""}, [3]string{"not-semver", "a", ""},
	)})
	lock := emptyLock()
	cache := t.TempDir()
	got, err := newTestStore(t, Options{CacheDir: cache}, lock).Newer(ctx(t), Ref{Name: "cm", Kind: Chart, URL: repo.URL, Chart: "demo", Version: "1.15.3"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"v1.16.1", "v1.15.10"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Newer = %v, want %v", got, want)
	}
	if lock.Changed() {
		t.Error("Newer changed the lock")
	}
	got, err = newTestStore(t, Options{}, nil).Newer(ctx(t), Ref{Name: "cm", Kind: Chart, URL: repo.URL, Chart: "demo", Version: "v1.16.1"})
	if err != nil || len(got) != 0 {
		t.Errorf("Newer at the newest = %v, %v", got, err)
	}
}

func TestNewerOCITags(t *testing.T) {
	reg := newRegistry(t, nil)
	for _, v := range []string{"0.1.0", "0.2.0", "0.10.0", "0.11.0-rc.1", "1.0.0+up1"} {
		reg.pushChart(t, "charts/demo", ociTag(v), buildChart(t, "demo", v))
	}
	got, err := newTestStore(t, Options{}, nil).Newer(ctx(t), Ref{Name: "d", Kind: Chart, URL: reg.base(), Chart: "demo", Version: "0.2.0"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"1.0.0+up1", "0.10.0"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Newer = %v, want %v", got, want)
	}
}

func TestNewerGitHubRelease(t *testing.T) {
	var api *httptest.Server
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/repos/kubevirt/kubevirt/releases" {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("page") == "" {
			// Page 1 links to page 2 the way GitHub does: an absolute upstream URL.
			w.Header().Set("Link", `<https://api.github.com/repos/kubevirt/kubevirt/releases?per_page=100&page=2>; rel="next", <https://api.github.com/repos/kubevirt/kubevirt/releases?per_page=100&page=2>; rel="last"`)
			fmt.Fprint(w, `[{"tag_name":"v1.4.0-rc.0","prerelease":true},{"tag_name":"v1.3.2"},{"tag_name":"v1.5.0","draft":true},{"tag_name":"v1.3.1"}]`)
			return
		}
		fmt.Fprint(w, `[{"tag_name":"v1.2.0"},{"tag_name":"v1.4.0"}]`)
	}))
	t.Cleanup(api.Close)
	s := newTestStore(t, Options{Mirrors: map[string]string{"https://api.github.com/": api.URL + "/"}}, nil)
	ref := Ref{Name: "kubevirt/kubevirt-operator.yaml", Kind: Manifest, Version: "1.3.1",
		URL: "https://github.com/kubevirt/kubevirt/releases/download/v1.3.1/kubevirt-operator.yaml"}
	got, err := s.Newer(ctx(t), ref)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"v1.4.0", "v1.3.2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Newer = %v, want %v", got, want)
	}
}

func TestNewerOtherURL(t *testing.T) {
	s := newTestStore(t, Options{Client: noNetworkClient(t)}, nil)
	for _, u := range []string{
		"https://raw.githubusercontent.com/org/repo/v1/x.yaml",
		"https://github.com/org/repo/releases/latest/download/x.yaml",
	} {
		_, err := s.Newer(ctx(t), Ref{Name: "m", Kind: Manifest, URL: u, Version: "1"})
		wantErr(t, err, "artifact m 1", "newer versions cannot be discovered for "+u)
	}
}

func TestGitHubRelease(t *testing.T) {
	owner, repo, tag, ok := githubRelease("https://github.com/kubevirt/containerized-data-importer/releases/download/v1.60.3/cdi-operator.yaml")
	if !ok || owner != "kubevirt" || repo != "containerized-data-importer" || tag != "v1.60.3" {
		t.Errorf("githubRelease = %s %s %s %v", owner, repo, tag, ok)
	}
}
