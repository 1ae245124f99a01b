package api

import "github.com/gorilla/mux"

// Route is one method and path template of the router.
type Route struct{ Method, Path string }

// Routes lists every route of the router, so that tests which must cover
// every route (the fuzz targets of the writes) notice a new one.
func (s *Server) Routes() ([]Route, error) {
	var out []Route
	err := s.router.Walk(func(r *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		path, err := r.GetPathTemplate()
		if err != nil {
			return err
		}
		methods, err := r.GetMethods()
		if err != nil {
			return err
		}
		for _, m := range methods {
			out = append(out, Route{m, path})
		}
		return nil
	})
	return out, err
}

// RouteRule is who may call one route and method at all.
type RouteRule struct{ Method, Path, Rule string }

// Rules lists every route's rule as registered, for the authorisation
// table test.
func (s *Server) Rules() []RouteRule {
	out := make([]RouteRule, len(s.rules))
	for i, r := range s.rules {
		out[i] = RouteRule{r.Method, r.Path, r.Rule.String()}
	}
	return out
}

// DropFeeds forgets every rendered feed, so that the next request for
// each renders it: a cold render, for the benchmarks.
func (s *Server) DropFeeds() {
	s.feeds.mu.Lock()
	defer s.feeds.mu.Unlock()
	clear(s.feeds.entries)
}
