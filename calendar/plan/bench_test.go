package plan

import (
	"context"
	"testing"
)

// benchSolve plans a generated window and reports, besides the time, how
// it decomposed: components, how many were proven optimal (and their
// bodies), and how far the plan may be from the best possible (points).
func benchSolve(b *testing.B, cfg GenConfig) { benchProblem(b, Generate(1, cfg)) }

func benchProblem(b *testing.B, p *Problem) {
	var res *Result
	var st solveStats
	var err error
	for b.Loop() {
		res, st, err = solveWithStats(context.Background(), p, Options{})
		if err != nil {
			b.Fatal(err)
		}
	}
	if !res.Feasible {
		b.Fatalf("generated window not planned: %+v", res.Conflicts)
	}
	b.ReportMetric(float64(st.components), "components")
	b.ReportMetric(float64(st.exactComponents), "exact-components")
	b.ReportMetric(float64(st.exactBodies), "exact-bodies")
	b.ReportMetric(res.Bound-res.Score, "gap-points")
	b.ReportMetric(res.Score, "score")
}

// BenchmarkPlanSeed: the seed's booking weeks (v 37–38 and 48–49 2025),
// six länsdel and partner bodies, two meetings each, two rooms.
func BenchmarkPlanSeed(b *testing.B) { benchProblem(b, seedProblem()) }

// BenchmarkPlanCounty: 60 bodies, 800 people, 8 rooms, two weeks at
// 15-minute granularity. Goal: under 100 ms.
func BenchmarkPlanCounty(b *testing.B) { benchSolve(b, County()) }

// BenchmarkPlanCountyDigital: the same county, meeting digitally.
func BenchmarkPlanCountyDigital(b *testing.B) {
	cfg := County()
	cfg.Rooms = 0
	benchSolve(b, cfg)
}

// BenchmarkPlanCountry: 21 counties in one window. Goal: under 5 s.
func BenchmarkPlanCountry(b *testing.B) { benchSolve(b, Country()) }

// BenchmarkSuggestCounty ranks the slots of one body of the county.
func BenchmarkSuggestCounty(b *testing.B) {
	p := Generate(1, County())
	for b.Loop() {
		if _, err := p.Suggest(p.Demands[0].Body, 10); err != nil {
			b.Fatal(err)
		}
	}
}
