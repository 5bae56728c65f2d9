DROP TABLE tenant_hosts;
DROP TABLE tenants;
