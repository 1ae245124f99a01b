package api

import "fmt"

func nextYearPath(slug string, year int) string {
	return fmt.Sprintf("/mina-organ/%s/nasta-ar?ar=%d", slug, year)
}
