package web

import (
	"strconv"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// maxPage bounds ?page= on every paginated list: with at most a few
// hundred rows a page, the offset it gives stays far inside int, and no
// list is that long.
const maxPage = 1_000_000

// pageParam reads a list's ?page= (1 when absent). Anything else than a
// whole number from 1 to maxPage is refused (400), so an offset computed
// from it can never overflow; a page past the end of a list is empty.
func pageParam(c *echo.Context) (int, error) {
	v := c.QueryParam("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPage {
		return 0, registry.Errorf(registry.EINVALID, "Nomor halaman harus bilangan bulat dari 1 sampai %d.", maxPage)
	}
	return n, nil
}

// pageSlice returns the bounds of page (from pageParam) in a list of n
// items, perPage to a page.
func pageSlice(page, perPage, n int) (lo, hi int) {
	return min((page-1)*perPage, n), min(page*perPage, n)
}
