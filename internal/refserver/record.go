package refserver

import (
	"maps"
	"sync"
)

// Request is one recorded request: Route is the route pattern (e.g.
// "/v1/docker/{pk}"), Path the path as sent, Body the body as received and
// Status the answer (0 when the connection was dropped without one).
type Request struct {
	Method, Route, Path string
	Status              int
	Body                []byte
}

// recorder counts calls per route key and keeps every request in arrival
// order, for tests and benchmarks that assert how many calls a client made.
type recorder struct {
	mu    sync.Mutex
	calls map[string]int
	reqs  []*Request
	limit int
}

func (rc *recorder) arrive(method, route, path string, body []byte) *Request {
	req := &Request{Method: method, Route: route, Path: path, Body: body}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.calls == nil {
		rc.calls = map[string]int{}
	}
	rc.calls[method+" "+route]++
	if rc.limit > 0 && len(rc.reqs) >= rc.limit {
		rc.reqs[0] = nil
		rc.reqs = rc.reqs[1:]
	}
	rc.reqs = append(rc.reqs, req)
	return req
}

func (rc *recorder) finish(req *Request, status int) {
	rc.mu.Lock()
	req.Status = status
	rc.mu.Unlock()
}

// Calls returns how many requests arrived for a route key such as
// "GET /v1/docker/{pk}" or "POST /v1/docker/list".
func (s *Server) Calls(route string) int {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return s.rec.calls[route]
}

// CallCounts returns a copy of every route key's count.
func (s *Server) CallCounts() map[string]int {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return maps.Clone(s.rec.calls)
}

// ResetCalls zeroes the counters and forgets the recorded requests.
func (s *Server) ResetCalls() {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	s.rec.calls = map[string]int{}
	s.rec.reqs = nil
}

// Requests returns every recorded request in arrival order.
func (s *Server) Requests() []Request {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	out := make([]Request, len(s.rec.reqs))
	for i, r := range s.rec.reqs {
		out[i] = *r
	}
	return out
}
