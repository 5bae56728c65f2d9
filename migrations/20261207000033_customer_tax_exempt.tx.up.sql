-- Freight and tax estimates (issue 8): a customer the distributor does not
-- charge sales tax (a reseller certificate, a tax-exempt body) is
-- estimated no tax; the back-office API sets it.
ALTER TABLE customers ADD COLUMN tax_exempt boolean NOT NULL DEFAULT false;
