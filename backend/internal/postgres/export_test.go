package postgres

// SetSearchPlan makes every search read its orders by terms (true) or by
// walking the customer's orders (false), whatever its words' counts, and
// returns the function that restores the thresholds.
func SetSearchPlan(byTerms bool) (restore func()) {
	page, count := searchByTermsPage, searchByTermsCount
	if byTerms {
		searchByTermsPage, searchByTermsCount = 1<<30, 1<<30
	} else {
		searchByTermsPage, searchByTermsCount = 0, 0
	}
	return func() { searchByTermsPage, searchByTermsCount = page, count }
}
