package postgres

import _ "embed"

// RolesSQL creates the portal_owner and portal_app roles when missing. It
// runs as a superuser; see roles.sql.
//
//go:embed roles.sql
var RolesSQL string
