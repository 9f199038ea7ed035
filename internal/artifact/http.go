package artifact

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// errOffline is the refusal of any connection in offline mode.
var errOffline = errors.New("offline mode allows no network access")

// maxBody bounds what one download may hold in memory.
const maxBody = 512 << 20

// fetcher does kargo's HTTP GETs: per-attempt timeout, bounded retries with backoff on
// transient errors, anonymous bearer tokens for OCI registries, and progress lines.
type fetcher struct {
	offline  bool // refuse every request: offline mode never opens a connection
	client   *http.Client
	timeout  time.Duration
	retries  int
	backoff  time.Duration
	progress io.Writer

	mu     sync.Mutex
	tokens map[string]string // bearer tokens by challenge (realm, service, scope)
}

// defaultClient is http.DefaultTransport's settings (proxy from the environment, dial
// timeout) with bounds on the TLS handshake and the wait for response headers.
func defaultClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSHandshakeTimeout = 15 * time.Second
	t.ResponseHeaderTimeout = 60 * time.Second
	return &http.Client{Transport: t}
}

// response is a successful GET.
type response struct {
	body   []byte
	header http.Header
}

// fetchError is a failed GET: the URL, the class of the cause and how to fix it.
type fetchError struct {
	URL      string // the URL requested
	Upstream string // the upstream URL when URL is a mirror's
	Class    string // "DNS lookup failed", "TLS failed", "connection failed", "timed out", "HTTP 404 Not Found", ...
	Status   int    // the HTTP status, when the server answered
	Attempts int
	Err      error
	hint     string
	retry    bool
}

func (e *fetchError) Error() string {
	var b strings.Builder
	b.WriteString("get " + e.URL)
	if e.Upstream != "" && e.Upstream != e.URL {
		b.WriteString(" (mirror of " + e.Upstream + ")")
	}
	b.WriteString(": " + e.Class)
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (%d attempts)", e.Attempts)
	}
	if e.hint != "" {
		b.WriteString("; " + e.hint)
	}
	return b.String()
}

func (e *fetchError) Unwrap() error { return e.Err }

// get fetches target (a URL after mirrors; upstream names the original in errors) and
// retries transient failures: connection errors, timeouts, HTTP 429 and 5xx. accept is
// the Accept header, if any; progress prints a line for the download.
func (f *fetcher) get(ctx context.Context, target, upstream, accept string, progress bool) (*response, error) {
	if f.offline {
		return nil, &fetchError{URL: target, Upstream: upstream, Class: "refused", Err: errOffline}
	}
	for attempt := 1; ; attempt++ {
		resp, err := f.attempt(ctx, target, accept, progress)
		if err == nil {
			return resp, nil
		}
		var fe *fetchError
		if !errors.As(err, &fe) {
			return nil, err
		}
		fe.Upstream, fe.Attempts = upstream, attempt
		if !fe.retry || attempt > f.retries || ctx.Err() != nil {
			return nil, fe
		}
		wait := f.backoff << (attempt - 1)
		select {
		case <-ctx.Done():
			return nil, fe
		case <-time.After(wait):
		}
	}
}

// attempt is one GET of target within the per-request timeout, answering one bearer
// challenge.
func (f *fetcher) attempt(ctx context.Context, target, accept string, progress bool) (*response, error) {
	actx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	fail := func(err error) error { return f.transportError(ctx, target, err) }
	token, rounds := "", 0
	for {
		req, err := http.NewRequestWithContext(actx, http.MethodGet, target, nil)
		if err != nil {
			return nil, &fetchError{URL: target, Class: "invalid URL", Err: err}
		}
		req.Header.Set("User-Agent", "kargo")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := f.client.Do(req)
		if err != nil {
			return nil, fail(err)
		}
		if resp.StatusCode == http.StatusUnauthorized && rounds < 2 {
			// Anonymous bearer challenge: get a token and ask again. The second round
			// replaces a cached token the registry no longer accepts.
			ch, ok := parseBearer(resp.Header.Get("WWW-Authenticate"))
			discard(resp)
			if !ok {
				return nil, statusError(target, resp)
			}
			if token, err = f.token(actx, ctx, ch, rounds > 0); err != nil {
				return nil, err
			}
			rounds++
			continue
		}
		if resp.StatusCode != http.StatusOK {
			discard(resp)
			return nil, statusError(target, resp)
		}
		if progress && f.progress != nil {
			f.mu.Lock()
			if resp.ContentLength >= 0 {
				fmt.Fprintf(f.progress, "fetching %s (%s)\n", target, humanSize(resp.ContentLength))
			} else {
				fmt.Fprintf(f.progress, "fetching %s\n", target)
			}
			f.mu.Unlock()
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
		resp.Body.Close()
		if err != nil {
			return nil, fail(err)
		}
		if len(body) > maxBody {
			return nil, &fetchError{URL: target, Class: "too large", Err: fmt.Errorf("more than %s", humanSize(maxBody))}
		}
		return &response{body: body, header: resp.Header}, nil
	}
}

// discard drains a little of an unwanted body so the connection can be reused.
func discard(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// statusError is an HTTP answer other than 200 OK; 429 and 5xx are retried.
func statusError(target string, resp *http.Response) *fetchError {
	e := &fetchError{URL: target, Status: resp.StatusCode, Class: "HTTP " + resp.Status}
	if resp.Status == "" {
		e.Class = fmt.Sprintf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	switch code := resp.StatusCode; {
	case code == http.StatusNotFound:
		e.hint = "check the URL, chart and version in kargo.config.yaml"
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		e.hint = "kargo downloads anonymously; configure a mirror that serves this artifact without credentials"
	case code == http.StatusTooManyRequests:
		e.hint, e.retry = "rate limited: try again later or configure a mirror", true
	case code >= 500:
		e.hint, e.retry = "the server failed: try again later or configure a mirror", true
	}
	return e
}

// transportError classifies an error of the request itself (no HTTP answer).
func (f *fetcher) transportError(parent context.Context, target string, err error) *fetchError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // url.Error repeats the method and URL
	}
	e := &fetchError{URL: target, Err: err}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var alertErr tls.AlertError
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case parent.Err() != nil:
		e.Class, e.Err = "canceled", parent.Err()
	case errors.As(err, &dnsErr):
		e.Class = "DNS lookup failed"
		e.hint = "check the host name and the network, or configure a mirror"
		e.retry = dnsErr.IsTimeout || dnsErr.IsTemporary
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &alertErr),
		strings.Contains(err.Error(), "tls: "), strings.Contains(err.Error(), "x509: "):
		e.Class = "TLS failed"
		e.hint = "check the system's CA certificates and any proxy that intercepts TLS"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout():
		e.Class, e.Err = fmt.Sprintf("timed out after %s", f.timeout), nil
		e.hint = "check the network and proxy settings, or configure a mirror"
		e.retry = true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.As(err, &opErr):
		e.Class = "connection failed"
		e.hint = "check the network and proxy settings, or configure a mirror"
		e.retry = true
	default:
		e.Class = "request failed"
	}
	return e
}

// bearer is a WWW-Authenticate: Bearer challenge.
type bearer struct{ realm, service, scope string }

// parseBearer reads `Bearer realm="...",service="...",scope="..."`.
func parseBearer(h string) (bearer, bool) {
	scheme, params, _ := strings.Cut(strings.TrimSpace(h), " ")
	if !strings.EqualFold(scheme, "bearer") {
		return bearer{}, false
	}
	var b bearer
	for params != "" {
		var key, val string
		key, params, _ = strings.Cut(strings.TrimLeft(params, " ,"), "=")
		if strings.HasPrefix(params, `"`) {
			val, params, _ = strings.Cut(params[1:], `"`)
		} else {
			val, params, _ = strings.Cut(params, ",")
		}
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "realm":
			b.realm = val
		case "service":
			b.service = val
		case "scope":
			b.scope = val
		}
	}
	return b, b.realm != ""
}

// token gets an anonymous bearer token for the challenge, cached in the store;
// fresh skips the cached one.
func (f *fetcher) token(actx, parent context.Context, ch bearer, fresh bool) (string, error) {
	key := ch.realm + "\x00" + ch.service + "\x00" + ch.scope
	f.mu.Lock()
	tok, ok := f.tokens[key]
	f.mu.Unlock()
	if ok && !fresh {
		return tok, nil
	}
	u, err := url.Parse(ch.realm)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return "", &fetchError{URL: ch.realm, Class: "invalid token realm", Err: err}
	}
	q := u.Query()
	if ch.service != "" {
		q.Set("service", ch.service)
	}
	for _, s := range strings.Fields(ch.scope) {
		q.Add("scope", s)
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", &fetchError{URL: u.String(), Class: "invalid token realm", Err: err}
	}
	req.Header.Set("User-Agent", "kargo")
	resp, err := f.client.Do(req)
	if err != nil {
		return "", f.transportError(parent, u.String(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", statusError(u.String(), resp)
	}
	var body struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil {
		return "", &fetchError{URL: u.String(), Class: "invalid token response", Err: err}
	}
	tok = body.Token
	if tok == "" {
		tok = body.AccessToken
	}
	if tok == "" {
		return "", &fetchError{URL: u.String(), Class: "invalid token response", Err: errors.New("no token")}
	}
	f.mu.Lock()
	f.tokens[key] = tok
	f.mu.Unlock()
	return tok, nil
}

// humanSize prints n bytes in decimal units: "512 B", "1.2 MB".
func humanSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGT"[exp])
}
