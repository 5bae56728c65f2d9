package postgres_test

// The shop catalog's version (migration 34), added to isoBuilders from
// this file so the shared isolation test needs only the perTenant case.
// The seeded products' triggers have already made each tenant's row; the
// fixture's upsert sets it to its own version.
func init() {
	isoBuilders["catalog_versions"] = isoBuilder{perTenant: true, row: func(fx *isoFixture, fresh bool) isoRow {
		version := 41
		if fresh {
			version = 42
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "version": version}
	}}
}
